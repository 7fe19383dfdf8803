import Foundation
public import ReplicatedLog
public import RPC

/// `log.v1.StepRequest`.
public struct StepRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.StepRequest", [
        FieldSchema("from", 1, .string), FieldSchema("messages", 2, .message { RaftMessageWire.schema }, .repeated),
    ])
    public var from: String
    public var messages: [RaftMessage]

    public init(from: String, messages: [RaftMessage]) {
        self.from = from
        self.messages = messages
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        from = try r.string("from") ?? ""
        messages = try r.repeated("messages", of: RaftMessageWire.self).map(\.message)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("from", from)
        try w.write("messages", messages.map(RaftMessageWire.init))
    }
}

/// `log.v1.StepResponse`.
public struct StepResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.StepResponse", [FieldSchema("messages", 1, .message { RaftMessageWire.schema }, .repeated)])
    public var messages: [RaftMessage]

    public init(messages: [RaftMessage]) { self.messages = messages }

    public init(from decoder: any Decoder) throws {
        messages = try ProtoReader(decoder, Self.schema).repeated("messages", of: RaftMessageWire.self).map(\.message)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("messages", messages.map(RaftMessageWire.init))
    }
}

/// `log.v1.ProposeRequest`.
public struct ProposeRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.ProposeRequest", [FieldSchema("command", 1, .string)])
    public var command: String

    public init(command: String) { self.command = command }
    public init(from decoder: any Decoder) throws { command = try ProtoReader(decoder, Self.schema).string("command") ?? "" }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("command", command)
    }
}

/// `log.v1.ProposeResponse`.
public struct ProposeResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.ProposeResponse", [FieldSchema("output", 1, .string)])
    public var output: String

    public init(output: String) { self.output = output }
    public init(from decoder: any Decoder) throws { output = try ProtoReader(decoder, Self.schema).string("output") ?? "" }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("output", output)
    }
}

/// `log.v1.ReadIndexRequest`.
public struct ReadIndexRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.ReadIndexRequest", [])
    public init() {}
    public init(from decoder: any Decoder) throws { _ = try ProtoReader(decoder, Self.schema) }
    public func encode(to encoder: any Encoder) throws { _ = ProtoWriter(encoder) }
}

/// `log.v1.ReadIndexResponse`.
public struct ReadIndexResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.ReadIndexResponse", [FieldSchema("index", 1, .uint64)])
    public var index: UInt64

    public init(index: UInt64) { self.index = index }
    public init(from decoder: any Decoder) throws { index = try ProtoReader(decoder, Self.schema).uint64("index") ?? 0 }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("index", index)
    }
}

/// `log.v1.SnapshotChunk`.
public struct SnapshotChunk: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.SnapshotChunk", [
        FieldSchema("from", 1, .string), FieldSchema("term", 2, .uint64), FieldSchema("index", 3, .uint64),
        FieldSchema("snapshot_term", 4, .uint64), FieldSchema("offset", 5, .uint64), FieldSchema("total_bytes", 6, .uint64),
        FieldSchema("checksum", 7, .uint32), FieldSchema("data", 8, .bytes),
    ])
    public var from: String
    public var term: UInt64
    public var index: UInt64
    public var snapshotTerm: UInt64
    public var offset: UInt64
    public var totalBytes: UInt64
    public var checksum: UInt32
    public var data: [UInt8]

    public init(from: String, term: UInt64, index: UInt64, snapshotTerm: UInt64, offset: UInt64, totalBytes: UInt64, checksum: UInt32,
                data: [UInt8]) {
        self.from = from
        self.term = term
        self.index = index
        self.snapshotTerm = snapshotTerm
        self.offset = offset
        self.totalBytes = totalBytes
        self.checksum = checksum
        self.data = data
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        from = try r.string("from") ?? ""
        term = try r.uint64("term") ?? 0
        index = try r.uint64("index") ?? 0
        snapshotTerm = try r.uint64("snapshotTerm") ?? 0
        offset = try r.uint64("offset") ?? 0
        totalBytes = try r.uint64("totalBytes") ?? 0
        checksum = try r.uint32("checksum") ?? 0
        let text = try r.string("data") ?? ""
        guard let bytes = Data(base64Encoded: text) else { throw ConnectError(.invalidArgument, "field \"data\" is not base64") }
        data = Array(bytes)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("from", from)
        try w.write("term", term)
        try w.write("index", index)
        try w.write("snapshotTerm", snapshotTerm)
        try w.write("offset", offset)
        try w.write("totalBytes", totalBytes)
        try w.write("checksum", checksum)
        try w.write("data", Data(data).base64EncodedString())
    }
}

/// `log.v1.SnapshotChunkResponse`.
public struct SnapshotChunkResponse: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.SnapshotChunkResponse", [
        FieldSchema("next_offset", 1, .uint64), FieldSchema("done", 2, .bool),
        FieldSchema("messages", 3, .message { RaftMessageWire.schema }, .repeated),
    ])
    public var nextOffset: UInt64
    public var done: Bool
    public var messages: [RaftMessage]

    public init(nextOffset: UInt64, done: Bool, messages: [RaftMessage] = []) {
        self.nextOffset = nextOffset
        self.done = done
        self.messages = messages
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        nextOffset = try r.uint64("nextOffset") ?? 0
        done = try r.bool("done") ?? false
        messages = try r.repeated("messages", of: RaftMessageWire.self).map(\.message)
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("nextOffset", nextOffset)
        try w.write("done", done)
        try w.write("messages", messages.map(RaftMessageWire.init))
    }
}

/// `log.v1.StatusRequest`.
public struct LogStatusRequest: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.StatusRequest", [])
    public init() {}
    public init(from decoder: any Decoder) throws { _ = try ProtoReader(decoder, Self.schema) }
    public func encode(to encoder: any Encoder) throws { _ = ProtoWriter(encoder) }
}

/// `log.v1.StatusResponse`.
public struct LogStatus: ProtoMessage, Equatable {
    public static let schema = MessageSchema("log.v1.StatusResponse", [
        FieldSchema("leader", 1, .string), FieldSchema("term", 2, .uint64), FieldSchema("commit_index", 3, .uint64),
        FieldSchema("applied_index", 4, .uint64), FieldSchema("role", 5, .string), FieldSchema("snapshot_index", 6, .uint64),
        FieldSchema("rebuilding", 7, .bool),
    ])
    public var leader: String
    public var term: UInt64
    public var commitIndex: UInt64
    public var appliedIndex: UInt64
    public var role: String
    public var snapshotIndex: UInt64
    public var rebuilding: Bool

    public init(leader: String, term: UInt64, commitIndex: UInt64, appliedIndex: UInt64, role: String, snapshotIndex: UInt64,
                rebuilding: Bool) {
        self.leader = leader
        self.term = term
        self.commitIndex = commitIndex
        self.appliedIndex = appliedIndex
        self.role = role
        self.snapshotIndex = snapshotIndex
        self.rebuilding = rebuilding
    }

    public init(from decoder: any Decoder) throws {
        let r = try ProtoReader(decoder, Self.schema)
        leader = try r.string("leader") ?? ""
        term = try r.uint64("term") ?? 0
        commitIndex = try r.uint64("commitIndex") ?? 0
        appliedIndex = try r.uint64("appliedIndex") ?? 0
        role = try r.string("role") ?? ""
        snapshotIndex = try r.uint64("snapshotIndex") ?? 0
        rebuilding = try r.bool("rebuilding") ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var w = ProtoWriter(encoder)
        try w.write("leader", leader)
        try w.write("term", term)
        try w.write("commitIndex", commitIndex)
        try w.write("appliedIndex", appliedIndex)
        try w.write("role", role)
        try w.write("snapshotIndex", snapshotIndex)
        try w.write("rebuilding", rebuilding)
    }
}
