/// Writes binary protobuf fields for generated messages (the protobuf encoding spec).
///
/// Guarantees: the field writers write unconditionally (the generated code leaves out
/// defaults); negative int32 and int64 are ten-byte varints, as the spec requires; embedded
/// messages are length-prefixed without being encoded twice.
public enum ProtoBinaryOutput {
    public static func tag(_ number: Int, _ wireType: WireType, _ out: inout [UInt8]) {
        varint(UInt64(number) << 3 | UInt64(wireType.rawValue), &out)
    }

    public static func varint(_ value: UInt64, _ out: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        out.append(UInt8(value))
    }

    public static func string(_ number: Int, _ value: String, _ out: inout [UInt8]) {
        tag(number, .lengthDelimited, &out)
        varint(UInt64(value.utf8.count), &out)
        out.append(contentsOf: value.utf8)
    }

    public static func bytes(_ number: Int, _ value: [UInt8], _ out: inout [UInt8]) {
        tag(number, .lengthDelimited, &out)
        varint(UInt64(value.count), &out)
        out.append(contentsOf: value)
    }

    public static func bool(_ number: Int, _ value: Bool, _ out: inout [UInt8]) { tag(number, .varint, &out); boolValue(value, &out) }
    public static func int32(_ number: Int, _ value: Int32, _ out: inout [UInt8]) { tag(number, .varint, &out); int32Value(value, &out) }
    public static func int64(_ number: Int, _ value: Int64, _ out: inout [UInt8]) { tag(number, .varint, &out); int64Value(value, &out) }
    public static func uint32(_ number: Int, _ value: UInt32, _ out: inout [UInt8]) { tag(number, .varint, &out); uint32Value(value, &out) }
    public static func uint64(_ number: Int, _ value: UInt64, _ out: inout [UInt8]) { tag(number, .varint, &out); uint64Value(value, &out) }
    public static func double(_ number: Int, _ value: Double, _ out: inout [UInt8]) { tag(number, .fixed64, &out); doubleValue(value, &out) }

    public static func float(_ number: Int, _ value: Float, _ out: inout [UInt8]) { tag(number, .fixed32, &out); floatValue(value, &out) }
    public static func sint32(_ number: Int, _ value: Int32, _ out: inout [UInt8]) { tag(number, .varint, &out); sint32Value(value, &out) }
    public static func sint64(_ number: Int, _ value: Int64, _ out: inout [UInt8]) { tag(number, .varint, &out); sint64Value(value, &out) }
    public static func fixed32(_ number: Int, _ value: UInt32, _ out: inout [UInt8]) { tag(number, .fixed32, &out); fixed32Value(value, &out) }
    public static func fixed64(_ number: Int, _ value: UInt64, _ out: inout [UInt8]) { tag(number, .fixed64, &out); fixed64Value(value, &out) }
    public static func sfixed32(_ number: Int, _ value: Int32, _ out: inout [UInt8]) { tag(number, .fixed32, &out); sfixed32Value(value, &out) }
    public static func sfixed64(_ number: Int, _ value: Int64, _ out: inout [UInt8]) { tag(number, .fixed64, &out); sfixed64Value(value, &out) }

    public static func enumeration<E: ProtoEnum>(_ number: Int, _ value: E, _ out: inout [UInt8]) {
        tag(number, .varint, &out)
        enumerationValue(value, &out)
    }

    /// An embedded message: tag, length, body. The length is reserved as one byte and widened in
    /// place when the body turns out longer than 127 bytes.
    public static func message<M: GeneratedMessage>(_ number: Int, _ value: M, _ out: inout [UInt8]) {
        tag(number, .lengthDelimited, &out)
        let lengthAt = out.count
        out.append(0)
        value.writeProtoBinary(into: &out)
        let length = out.count - lengthAt - 1
        if length < 0x80 {
            out[lengthAt] = UInt8(length)
        } else {
            var prefix: [UInt8] = []
            varint(UInt64(length), &prefix)
            out.replaceSubrange(lengthAt..<(lengthAt + 1), with: prefix)
        }
    }

    // Values without a tag (what packed fields hold).
    public static func boolValue(_ value: Bool, _ out: inout [UInt8]) { out.append(value ? 1 : 0) }
    public static func int32Value(_ value: Int32, _ out: inout [UInt8]) { varint(UInt64(bitPattern: Int64(value)), &out) }
    public static func int64Value(_ value: Int64, _ out: inout [UInt8]) { varint(UInt64(bitPattern: value), &out) }
    public static func uint32Value(_ value: UInt32, _ out: inout [UInt8]) { varint(UInt64(value), &out) }
    public static func uint64Value(_ value: UInt64, _ out: inout [UInt8]) { varint(value, &out) }
    public static func enumerationValue<E: ProtoEnum>(_ value: E, _ out: inout [UInt8]) { varint(UInt64(bitPattern: Int64(value.number)), &out) }

    public static func doubleValue(_ value: Double, _ out: inout [UInt8]) { fixed64Value(value.bitPattern, &out) }
    public static func floatValue(_ value: Float, _ out: inout [UInt8]) { fixed32Value(value.bitPattern, &out) }
    public static func sint32Value(_ value: Int32, _ out: inout [UInt8]) { varint(ProtoZigZag.encode32(value), &out) }
    public static func sint64Value(_ value: Int64, _ out: inout [UInt8]) { varint(ProtoZigZag.encode64(value), &out) }
    public static func sfixed32Value(_ value: Int32, _ out: inout [UInt8]) { fixed32Value(UInt32(bitPattern: value), &out) }
    public static func sfixed64Value(_ value: Int64, _ out: inout [UInt8]) { fixed64Value(UInt64(bitPattern: value), &out) }

    public static func fixed32Value(_ value: UInt32, _ out: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public static func fixed64Value(_ value: UInt64, _ out: inout [UInt8]) {
        for shift in stride(from: 0, to: 64, by: 8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// A packed repeated numeric field; empty writes nothing.
    public static func packed<T>(_ number: Int, _ values: [T], _ out: inout [UInt8], _ write: (T, inout [UInt8]) -> Void) {
        guard !values.isEmpty else { return }
        var body: [UInt8] = []
        for value in values { write(value, &body) }
        bytes(number, body, &out)
    }

    /// A map field: one entry message (key 1, value 2) per key, in sorted key order.
    public static func map<K: Comparable, V>(_ number: Int, _ map: [K: V], _ out: inout [UInt8],
                                             key: (Int, K, inout [UInt8]) -> Void, value: (Int, V, inout [UInt8]) -> Void) {
        for entry in map.sorted(by: { $0.key < $1.key }) {
            var body: [UInt8] = []
            key(1, entry.key, &body)
            value(2, entry.value, &body)
            bytes(number, body, &out)
        }
    }
}
