import BulletinCore

extension BulletinSimulation {
    /// The mode's promises, over what clients saw and the replicas' durable boards at the end.
    mutating func check() {
        if case .quorum(let read, let write) = settings.mode, read + write > settings.replicas {
            for post in acknowledged {
                for seen in reads where seen.invoke > post.at && !seen.ids.contains(post.item.id) {
                    violations.append("a read by p\(seen.process) begun at \(seen.invoke) misses post \(post.item.id) acknowledged at \(post.at)")
                }
            }
        }
        if settings.mode == .readYourWrites {
            for seen in reads {
                for post in acknowledged where post.process == seen.process && post.at < seen.invoke && !seen.ids.contains(post.item.id) {
                    violations.append("p\(seen.process) does not read its own post \(post.item.id)")
                }
                let named = acknowledged.map(\.item).filter { seen.session[$0.origin] >= $0.seq }
                for item in named where !seen.ids.contains(item.id) {
                    violations.append("a read by p\(seen.process) goes back: its session names \(item.id), which it does not show")
                }
            }
        }
        // Shown or acknowledged: on every replica, durably; and every replica holds the same.
        var promised = Set(acknowledged.map(\.item.id))
        for seen in reads { promised.formUnion(seen.ids) }
        let boards = ids.compactMap { nodes[$0]?.durable }
        for (id, board) in zip(ids, boards) {
            for item in promised.sorted() where board.item(item) == nil {
                violations.append("\(id) lacks item \(item), which was acknowledged or shown")
            }
        }
        if let first = boards.first, boards.contains(where: { Set($0.items.keys) != Set(first.items.keys) }) {
            violations.append("the replicas' boards differ after healing: " + boards.map { "\($0.count)" }.joined(separator: "/"))
        }
    }
}
