/// A map from ids to values that holds at most `capacity` ids, forgetting the oldest first.
///
/// Guarantees: inserting an id it does not hold costs O(1) (a ring of slots, no shifting);
/// replacing the value of an id it holds keeps that id's place in the order; removing an id
/// frees nothing early (its slot is reused in turn).
public struct BoundedMemory<ID: Hashable & Sendable, Value: Sendable>: Sendable {
    let capacity: Int
    private var values: [ID: Value] = [:]
    private var order: [ID] = []
    private var head = 0

    public init(capacity: Int) {
        precondition(capacity > 0, "a bounded memory needs room for one id")
        self.capacity = capacity
    }

    public subscript(id: ID) -> Value? {
        get { values[id] }
        set {
            guard let newValue else { values[id] = nil; return }
            insert(id, newValue)
        }
    }

    /// Sets `id` to `value`; returns the id and value forgotten to make room, if any.
    @discardableResult
    public mutating func insert(_ id: ID, _ value: Value) -> (id: ID, value: Value)? {
        if values.updateValue(value, forKey: id) != nil { return nil }
        if order.count < capacity {
            order.append(id)
            return nil
        }
        let oldest = order[head]
        order[head] = id
        head = (head + 1) % capacity
        guard oldest != id, let forgotten = values.removeValue(forKey: oldest) else { return nil }
        return (oldest, forgotten)
    }
}
