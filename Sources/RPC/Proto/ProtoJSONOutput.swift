public import JSON
import Foundation

/// Writes one proto3 JSON value (no key) per type: the element writers of repeated and map
/// fields in generated messages.
///
/// Guarantees: canonical proto3 JSON: 64-bit integers as decimal strings, 32-bit ones as
/// numbers, enums by name, bytes as standard padded base64, doubles as our JSON writer formats
/// them (non-finite ones as "NaN", "Infinity", "-Infinity").
public enum ProtoJSONOutput {
    public static func string(_ value: String, _ out: inout [UInt8]) { JSONWriter.writeString(value, into: &out) }
    public static func bool(_ value: Bool, _ out: inout [UInt8]) { out.append(contentsOf: value ? "true".utf8 : "false".utf8) }
    public static func int32(_ value: Int32, _ out: inout [UInt8]) { out.append(contentsOf: String(value).utf8) }
    public static func uint32(_ value: UInt32, _ out: inout [UInt8]) { out.append(contentsOf: String(value).utf8) }

    public static func int64(_ value: Int64, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: String(value).utf8)
        out.append(UInt8(ascii: "\""))
    }

    public static func uint64(_ value: UInt64, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: String(value).utf8)
        out.append(UInt8(ascii: "\""))
    }

    public static func double(_ value: Double, _ out: inout [UInt8]) {
        if value.isNaN { out.append(contentsOf: "\"NaN\"".utf8); return }
        if value.isInfinite { out.append(contentsOf: (value > 0 ? "\"Infinity\"" : "\"-Infinity\"").utf8); return }
        JSONWriter.write(JSONWriter.number(value), into: &out)
    }

    public static func float(_ value: Float, _ out: inout [UInt8]) { double(Double(value), &out) }

    public static func bytes(_ value: [UInt8], _ out: inout [UInt8]) {
        JSONWriter.writeString(Data(value).base64EncodedString(), into: &out)
    }

    public static func enumeration<E: ProtoEnum>(_ value: E, _ out: inout [UInt8]) { JSONWriter.writeString(value.name, into: &out) }

    public static func message<M: ProtoJSONWritable>(_ value: M, _ out: inout [UInt8]) { value.writeJSON(into: &out) }
}

extension ProtoJSONObjectWriter {
    public mutating func uint32(_ name: StaticString, _ value: UInt32, _ out: inout [UInt8]) {
        guard value != 0 else { return }
        key(name, &out)
        ProtoJSONOutput.uint32(value, &out)
    }

    public mutating func uint64(_ name: StaticString, _ value: UInt64, _ out: inout [UInt8]) {
        guard value != 0 else { return }
        key(name, &out)
        ProtoJSONOutput.uint64(value, &out)
    }

    public mutating func double(_ name: StaticString, _ value: Double, _ out: inout [UInt8]) {
        guard value != 0 else { return }
        key(name, &out)
        ProtoJSONOutput.double(value, &out)
    }

    public mutating func float(_ name: StaticString, _ value: Float, _ out: inout [UInt8]) {
        guard value != 0 else { return }
        key(name, &out)
        ProtoJSONOutput.float(value, &out)
    }

    public mutating func bytes(_ name: StaticString, _ value: [UInt8], _ out: inout [UInt8]) {
        guard !value.isEmpty else { return }
        key(name, &out)
        ProtoJSONOutput.bytes(value, &out)
    }

    public mutating func enumeration<E: ProtoEnum>(_ name: StaticString, _ value: E, _ out: inout [UInt8]) {
        guard value.number != 0 else { return }
        key(name, &out)
        ProtoJSONOutput.enumeration(value, &out)
    }

    /// A proto3 `optional` field: written whenever present, even at its default.
    @inlinable
    public mutating func optional<T>(_ name: StaticString, _ value: T?, _ out: inout [UInt8], _ write: (T, inout [UInt8]) -> Void) {
        guard let value else { return }
        key(name, &out)
        write(value, &out)
    }

    /// A map field: keys in sorted order (so output is deterministic); empty is omitted.
    @inlinable
    public mutating func map<K: Comparable & CustomStringConvertible, V>(_ name: StaticString, _ map: [K: V], _ out: inout [UInt8],
                                                                        _ write: (V, inout [UInt8]) -> Void) {
        guard !map.isEmpty else { return }
        key(name, &out)
        out.append(UInt8(ascii: "{"))
        for (index, entry) in map.sorted(by: { $0.key < $1.key }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(entry.key.description, into: &out)
            out.append(UInt8(ascii: ":"))
            write(entry.value, &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}
