/// Picks keys by index, uniformly or by a Zipfian law (YCSB's generator, theta 0.99: a few keys
/// are hot), from a seeded generator.
struct KeyChooser: Sendable {
    enum Distribution: String, Sendable { case uniform, zipfian }

    let count: Int
    let distribution: Distribution
    let theta = 0.99
    private let zetan: Double
    private let eta: Double
    private let alpha: Double

    init(count: Int, distribution: Distribution) {
        self.count = count
        self.distribution = distribution
        var zeta = 0.0
        for i in 1...max(1, count) { zeta += 1 / pow(Double(i), theta) }
        zetan = zeta
        let zeta2 = 1 + 1 / pow(2, theta)
        alpha = 1 / (1 - theta)
        eta = (1 - pow(2 / Double(max(count, 2)), 1 - theta)) / (1 - zeta2 / zeta)
    }

    func next(using random: inout some RandomNumberGenerator) -> Int {
        switch distribution {
        case .uniform:
            return Int(random.next() % UInt64(count))
        case .zipfian:
            let u = Double(random.next() >> 11) / Double(1 << 53)
            let uz = u * zetan
            if uz < 1 { return 0 }
            if uz < 1 + pow(0.5, theta) { return min(1, count - 1) }
            return min(count - 1, Int(Double(count) * pow(eta * u - eta + 1, alpha)))
        }
    }
}

import Foundation
