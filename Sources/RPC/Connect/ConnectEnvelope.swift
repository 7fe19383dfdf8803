import Foundation

/// Connect streaming framing: each message is `flags(1) length(4, big-endian) payload`.
///
/// Flag `0x01` marks a compressed payload, `0x02` the end-of-stream message, whose JSON payload
/// carries the final error (if any) and the trailers.
public enum ConnectEnvelope {
    public static let compressedFlag: UInt8 = 0x01
    public static let endStreamFlag: UInt8 = 0x02

    /// One frame as read from a stream.
    public struct Frame: Sendable, Equatable {
        public var flags: UInt8
        public var payload: [UInt8]
        public var isEndStream: Bool { flags & ConnectEnvelope.endStreamFlag != 0 }
    }

    public static func frame(_ payload: [UInt8], flags: UInt8 = 0) -> [UInt8] {
        var out: [UInt8] = [flags]
        let length = UInt32(payload.count)
        out.append(contentsOf: [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)])
        out.append(contentsOf: payload)
        return out
    }

    /// The end-of-stream frame: `{"error":{…}, "metadata":{name:[values]}}`.
    public static func endStream(error: ConnectError?, trailers: HTTPHeaders) -> [UInt8] {
        var object: [String: Any] = [:]
        if let error, let json = try? JSONSerialization.jsonObject(with: Data(error.jsonBody())) {
            object["error"] = json
        }
        var metadata: [String: [String]] = [:]
        for (name, value) in trailers { metadata[name, default: []].append(value) }
        if !metadata.isEmpty { object["metadata"] = metadata }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return frame(Array(data), flags: endStreamFlag)
    }

    /// The single request message of a server-streaming call.
    static func unwrapRequest(_ body: [UInt8]) throws -> (UInt8, [UInt8]) {
        var reader = FrameReader()
        reader.append(body)
        guard let frame = try reader.next() else {
            throw ConnectError(.invalidArgument, "streaming request body must hold one enveloped message")
        }
        guard reader.buffered == 0 else {
            throw ConnectError(.invalidArgument, "server-streaming request must hold exactly one message")
        }
        return (frame.flags, frame.payload)
    }

    /// Parses the end-of-stream payload into an error (nil on success) and trailers.
    public static func parseEndStream(_ payload: [UInt8]) -> (ConnectError?, HTTPHeaders) {
        guard let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else {
            return (ConnectError(.internal, "malformed end-of-stream message"), [:])
        }
        var trailers = HTTPHeaders()
        for (name, values) in object["metadata"] as? [String: [String]] ?? [:] {
            for value in values { trailers.add(name, value) }
        }
        guard let error = object["error"] as? [String: Any] else { return (nil, trailers) }
        let body = (try? JSONSerialization.data(withJSONObject: error)).map(Array.init) ?? []
        return (ConnectError.fromResponse(status: 500, body: body), trailers)
    }

    /// Passes every complete message frame in `reader` to `yield`; returns true at the
    /// end-of-stream frame, throwing the error it carries.
    static func drain(_ reader: inout FrameReader, yield: ([UInt8]) -> Void) throws -> Bool {
        while let frame = try reader.next() {
            if frame.isEndStream {
                let (error, _) = parseEndStream(frame.payload)
                if let error { throw error }
                return true
            }
            yield(frame.payload)
        }
        return false
    }

    /// Incremental frame parser for a byte stream.
    public struct FrameReader: Sendable {
        var buffer: [UInt8] = []
        public var maxFrameBytes = 16 * 1024 * 1024

        public init() {}

        public mutating func append(_ bytes: [UInt8]) { buffer.append(contentsOf: bytes) }

        public var buffered: Int { buffer.count }

        public mutating func next() throws -> Frame? {
            guard buffer.count >= 5 else { return nil }
            let length = Int(buffer[1]) << 24 | Int(buffer[2]) << 16 | Int(buffer[3]) << 8 | Int(buffer[4])
            guard length <= maxFrameBytes else { throw ConnectError(.resourceExhausted, "stream message of \(length) bytes is too large") }
            guard buffer.count >= 5 + length else { return nil }
            let frame = Frame(flags: buffer[0], payload: Array(buffer[5..<(5 + length)]))
            buffer.removeFirst(5 + length)
            return frame
        }
    }
}
