public import JSON
public import RegisterCore
public import RPC

/// `register.v1.OfferAnswer`: one peer's answer to one offered entry (see `OfferRound`).
public struct OfferAnswerMessage: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.OfferAnswer", [
        FieldSchema("held", 1, .bool),
        FieldSchema("newer", 2, .message { VersionMessage.schema }),
        FieldSchema("unvouched", 3, .bool),
    ])

    public var held: Bool
    public var newer: VersionMessage?
    public var unvouched: Bool

    public init(_ answer: OfferRound.Answer) {
        held = false
        newer = nil
        unvouched = false
        switch answer {
        case .held: held = true
        case .newer(let version): newer = VersionMessage(version)
        case .newerUnvouched(let version): newer = VersionMessage(version); unvouched = true
        case .failed: break
        }
    }

    /// The answer as the round counts it; neither `held` nor `newer` set is no answer at all.
    public var answer: OfferRound.Answer {
        if held { return .held }
        if let newer { return unvouched ? .newerUnvouched(newer.core) : .newer(newer.core) }
        return .failed
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        held = try r.bool("held") ?? false
        newer = try r.decode("newer", as: VersionMessage.self)
        unvouched = try r.bool("unvouched") ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("held", held)
        if let newer { try w.write("newer", newer) }
        try w.write("unvouched", unvouched)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["held", "newer", "unvouched"]),
              let held = CanonicalJSON.bool(object["held"]), let unvouched = CanonicalJSON.bool(object["unvouched"]),
              let newer = CanonicalJSON.message(object["newer"], of: VersionMessage.self) else { return nil }
        self.held = held ?? false
        self.newer = newer
        self.unvouched = unvouched ?? false
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.bool("held", held, &out)
        if let newer { w.message("newer", newer, &out) }
        w.bool("unvouched", unvouched, &out)
        w.finish(&out)
    }
}

/// `register.v1.OfferResponse`: one answer per offered entry, in the request's order.
public struct OfferResponse: ProtoMessage, ProtoJSONWritable, ProtoJSONReadable, Equatable {
    public static let schema = MessageSchema("register.v1.OfferResponse", [
        FieldSchema("answers", 1, .message { OfferAnswerMessage.schema }, .repeated),
    ])

    public var answers: [OfferAnswerMessage]

    public init(answers: [OfferAnswerMessage]) { self.answers = answers }

    public init(from decoder: any Decoder) throws { answers = try ProtoReader(decoder, Self.schema).repeated("answers") }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("answers", answers)
    }

    public init?(canonicalJSON value: JSONValue) {
        guard let object = CanonicalJSON.object(value, allowed: ["answers"]),
              let answers = CanonicalJSON.messages(object["answers"], of: OfferAnswerMessage.self) else { return nil }
        self.answers = answers
    }

    public func writeJSON(into out: inout [UInt8]) {
        var w = ProtoJSONObjectWriter(&out)
        w.messages("answers", answers, &out)
        w.finish(&out)
    }
}
