/// What the in-memory network does to messages: loss, delay, duplication (reordering follows
/// from random delays).
public struct FaultModel: Sendable, Equatable {
    /// Probability that a request, or its response, is lost (the caller sees a timeout).
    public var dropRate: Double
    /// Probability that a request is delivered twice (the second copy's response is discarded).
    public var duplicateRate: Double
    /// Each delivery is delayed uniformly within this range; different delays reorder messages.
    public var delay: ClosedRange<Duration>

    public init(dropRate: Double = 0, duplicateRate: Double = 0, delay: ClosedRange<Duration> = .zero ... .zero) {
        self.dropRate = dropRate
        self.duplicateRate = duplicateRate
        self.delay = delay
    }

    public static let none = FaultModel()
}

/// The fate of one message, decided from the seed before it is delivered.
public struct DeliveryDecision: Sendable, Equatable, CustomStringConvertible {
    public enum Outcome: Sendable, Equatable {
        case delivered
        case droppedRequest
        case droppedResponse
        case blocked
    }

    public var outcome: Outcome
    public var duplicated: Bool
    public var delay: Duration

    public var description: String {
        "\(outcome)\(duplicated ? "+dup" : "") delay=\(delay)"
    }
}
