/// The protobuf wire types (the low three bits of a field's tag).
public enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case startGroup = 3
    case endGroup = 4
    case fixed32 = 5
}

/// A bounded cursor over binary protobuf input.
///
/// Guarantees: never reads outside `position..<end`; every malformed case (a varint longer than
/// ten bytes, a length past the end, a truncated fixed-width value, groups) is an
/// `invalid_argument` error, never a trap.
public struct WireInput {
    let bytes: [UInt8]
    var position: Int
    let end: Int

    /// The whole of `bytes`.
    public init(_ bytes: [UInt8]) {
        self.init(bytes: bytes, position: 0, end: bytes.count)
    }

    init(bytes: [UInt8], position: Int, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    public var atEnd: Bool { position >= end }

    /// The next field's number and wire type; a number outside 1…2²⁹−1 or an unknown wire type
    /// is `invalid_argument`.
    public mutating func tag(_ message: String) throws(ConnectError) -> (number: Int, wireType: WireType) {
        let key = try varint(message)
        let number = key >> 3
        guard number >= 1, number <= ProtoBinaryReader.maxFieldNumber, let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw ProtoBinaryReader.invalid("field number \(number) or wire type \(key & 7) is not allowed", message)
        }
        return (Int(number), wireType)
    }

    /// A length-delimited value as its own bounded input (sharing the bytes, not copying them).
    public mutating func nested(_ wireType: WireType, _ field: String) throws(ConnectError) -> WireInput {
        guard wireType == .lengthDelimited else { throw ProtoBinaryReader.invalid("wire type \(wireType.rawValue) does not fit a length-delimited field", field) }
        let range = try lengthDelimited(field)
        return WireInput(bytes: bytes, position: range.lowerBound, end: range.upperBound)
    }

    mutating func varint(_ field: String) throws(ConnectError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            guard position < end else { throw ProtoBinaryReader.invalid("truncated varint", field) }
            let byte = bytes[position]
            position += 1
            if shift == 63 && byte > 1 { throw ProtoBinaryReader.invalid("varint overflows 64 bits", field) }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
        throw ProtoBinaryReader.invalid("varint longer than ten bytes", field)
    }

    mutating func fixed64(_ field: String) throws(ConnectError) -> UInt64 {
        try littleEndian(8, field)
    }

    mutating func fixed32(_ field: String) throws(ConnectError) -> UInt32 {
        UInt32(truncatingIfNeeded: try littleEndian(4, field))
    }

    /// A fixed-width little-endian value of `width` bytes.
    private mutating func littleEndian(_ width: Int, _ field: String) throws(ConnectError) -> UInt64 {
        guard end - position >= width else { throw ProtoBinaryReader.invalid("truncated \(width * 8)-bit value", field) }
        var value: UInt64 = 0
        for offset in 0..<width { value |= UInt64(bytes[position + offset]) << (8 * UInt64(offset)) }
        position += width
        return value
    }

    /// The range of a length-delimited value (bounded by the enclosing message).
    mutating func lengthDelimited(_ field: String) throws(ConnectError) -> Range<Int> {
        let length = try varint(field)
        guard length <= UInt64(end - position) else { throw ProtoBinaryReader.invalid("length \(length) runs past the end", field) }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// Skips an unknown field's value.
    public mutating func skip(_ wireType: WireType, _ field: String) throws(ConnectError) {
        switch wireType {
        case .varint: _ = try varint(field)
        case .fixed64: _ = try fixed64(field)
        case .lengthDelimited: _ = try lengthDelimited(field)
        case .fixed32: _ = try fixed32(field)
        case .startGroup, .endGroup: throw ProtoBinaryReader.invalid("groups are not supported", field)
        }
    }
}

extension FieldType {
    /// The wire type of one value of a scalar (or enum) of this type.
    var scalarWireType: WireType {
        switch self {
        case .string, .bytes, .message, .map: .lengthDelimited
        case .bool, .int32, .uint32, .int64, .uint64, .sint32, .sint64, .enumeration: .varint
        case .double, .fixed64, .sfixed64: .fixed64
        case .float, .fixed32, .sfixed32: .fixed32
        }
    }

    /// Whether repeated values of this type may be packed (numeric scalars and enums).
    var isPackable: Bool { scalarWireType != .lengthDelimited }
}
