/// Reads binary protobuf field values for generated messages (the protobuf encoding spec).
///
/// Guarantees: each reader checks that the field's wire type fits its type and reads only
/// inside the input's bounds; anything malformed (truncated, overlong, invalid UTF-8, an unknown
/// enum number, nesting deeper than `ProtoBinaryReader.maxDepth`) is `invalid_argument` naming
/// the field, never a trap; memory grows only with the input.
public enum ProtoBinaryInput {
    public static func checkDepth(_ depth: Int, _ schema: MessageSchema) throws(ConnectError) {
        guard depth < ProtoBinaryReader.maxDepth else {
            throw ProtoBinaryReader.invalid("messages nested deeper than \(ProtoBinaryReader.maxDepth)", schema.name)
        }
    }

    static func fits(_ wireType: WireType, _ expected: WireType, _ type: String, _ field: String) throws(ConnectError) {
        guard wireType == expected else { throw ProtoBinaryReader.invalid("wire type \(wireType.rawValue) does not fit a \(type)", field) }
    }

    public static func string(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> String {
        try fits(wireType, .lengthDelimited, "string", field)
        let range = try input.lengthDelimited(field)
        guard let text = String(validating: input.bytes[range], as: UTF8.self) else { throw ProtoBinaryReader.invalid("a string is not valid UTF-8", field) }
        return text
    }

    public static func bytes(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> [UInt8] {
        try fits(wireType, .lengthDelimited, "bytes", field)
        return Array(input.bytes[try input.lengthDelimited(field)])
    }

    public static func bool(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Bool {
        try fits(wireType, .varint, "bool", field)
        return try input.varint(field) != 0
    }

    public static func int32(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Int32 {
        try fits(wireType, .varint, "int32", field)
        return Int32(truncatingIfNeeded: try input.varint(field))
    }

    public static func int64(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Int64 {
        try fits(wireType, .varint, "int64", field)
        return Int64(bitPattern: try input.varint(field))
    }

    public static func uint32(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> UInt32 {
        try fits(wireType, .varint, "uint32", field)
        return UInt32(truncatingIfNeeded: try input.varint(field))
    }

    public static func uint64(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> UInt64 {
        try fits(wireType, .varint, "uint64", field)
        return try input.varint(field)
    }

    public static func double(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Double {
        try fits(wireType, .fixed64, "double", field)
        return Double(bitPattern: try input.fixed64(field))
    }

    public static func float(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Float {
        try fits(wireType, .fixed32, "float", field)
        return Float(bitPattern: try input.fixed32(field))
    }

    public static func sint32(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Int32 {
        try fits(wireType, .varint, "sint32", field)
        return ProtoZigZag.decode32(try input.varint(field))
    }

    public static func sint64(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Int64 {
        try fits(wireType, .varint, "sint64", field)
        return ProtoZigZag.decode64(try input.varint(field))
    }

    public static func fixed32(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> UInt32 {
        try fits(wireType, .fixed32, "fixed32", field)
        return try input.fixed32(field)
    }

    public static func fixed64(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> UInt64 {
        try fits(wireType, .fixed64, "fixed64", field)
        return try input.fixed64(field)
    }

    public static func sfixed32(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Int32 {
        try fits(wireType, .fixed32, "sfixed32", field)
        return Int32(bitPattern: try input.fixed32(field))
    }

    public static func sfixed64(_ input: inout WireInput, _ wireType: WireType, _ field: String) throws(ConnectError) -> Int64 {
        try fits(wireType, .fixed64, "sfixed64", field)
        return Int64(bitPattern: try input.fixed64(field))
    }

    /// An embedded message (of a singular field, the last one wins; the spec's merge is not done).
    public static func message<M: GeneratedMessage>(_ input: inout WireInput, _ wireType: WireType, _ field: String,
                                                    depth: Int, as type: M.Type) throws(ConnectError) -> M {
        var nested = try input.nested(wireType, field)
        return try M(protoBinary: &nested, depth: depth + 1)
    }

    /// One occurrence of a repeated numeric field: packed (length-delimited, values of `packed`
    /// wire type) or a single value.
    public static func repeated<T>(_ input: inout WireInput, _ wireType: WireType, _ field: String, into values: inout [T],
                                   packed: WireType,
                                   _ read: (inout WireInput, WireType, String) throws(ConnectError) -> T) throws(ConnectError) {
        guard wireType == .lengthDelimited else {
            values.append(try read(&input, wireType, field))
            return
        }
        var inner = try input.nested(wireType, field)
        while !inner.atEnd { values.append(try read(&inner, packed, field)) }
    }

    /// One map entry (a message of key 1 and value 2; a missing one is its default; a repeated
    /// key: the last wins).
    public static func mapEntry<K: Hashable, V>(_ input: inout WireInput, _ wireType: WireType, _ field: String, into map: inout [K: V],
                                                key: ((inout WireInput, WireType, String) throws(ConnectError) -> K, K),
                                                value: ((inout WireInput, WireType, String) throws(ConnectError) -> V, V)) throws(ConnectError) {
        var entry = try input.nested(wireType, field)
        var entryKey = key.1
        var entryValue = value.1
        while !entry.atEnd {
            let (number, entryWireType) = try entry.tag(field)
            switch number {
            case 1: entryKey = try key.0(&entry, entryWireType, field)
            case 2: entryValue = try value.0(&entry, entryWireType, field)
            default: try entry.skip(entryWireType, field)
            }
        }
        map[entryKey] = entryValue
    }
}
