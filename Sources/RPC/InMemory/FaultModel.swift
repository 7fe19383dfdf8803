/// What the in-memory network does to messages: loss, delay, duplication (reordering follows
/// from random delays).
package struct FaultModel: Sendable, Equatable {
    /// Probability that a request, or its response, is lost (the caller sees a timeout).
    package var dropRate: Double
    /// Probability that a request is delivered twice (the second copy's response is discarded).
    package var duplicateRate: Double
    /// Each delivery is delayed uniformly within this range; different delays reorder messages.
    package var delay: ClosedRange<Duration>

    package init(dropRate: Double = 0, duplicateRate: Double = 0, delay: ClosedRange<Duration> = .zero ... .zero) {
        self.dropRate = dropRate
        self.duplicateRate = duplicateRate
        self.delay = delay
    }

    package static let none = FaultModel()
}

/// The fate of one message, decided from the seed before it is delivered.
package struct DeliveryDecision: Sendable, Equatable, CustomStringConvertible {
    package enum Outcome: Sendable, Equatable {
        case delivered
        case droppedRequest
        case droppedResponse
        case blocked
    }

    package var outcome: Outcome
    package var duplicated: Bool
    package var delay: Duration

    package var description: String {
        "\(outcome)\(duplicated ? "+dup" : "") delay=\(delay)"
    }
}
