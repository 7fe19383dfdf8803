public import JSON

/// A message that writes its own proto3 JSON bytes, skipping the `Encodable` path on hot calls.
///
/// Guarantees (the conformer's duty, checked by tests comparing both paths): `writeJSON` writes
/// exactly the bytes `encode(to:)` produces through `JSONValueEncoder`.
public protocol ProtoJSONWritable: Encodable {
    func writeJSON(into out: inout [UInt8])
}

/// Writes one object's fields with proto3 JSON's rules (defaults omitted), in call order.
public struct ProtoJSONObjectWriter: ~Copyable {
    private var first = true

    /// Starts an object in `out`.
    public init(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
    }

    /// Ends the object.
    public consuming func finish(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
    }

    /// Writes `"name":` (with the separating comma when needed).
    public mutating func key(_ name: StaticString, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    public mutating func string(_ name: StaticString, _ value: String, _ out: inout [UInt8]) {
        guard !value.isEmpty else { return }
        key(name, &out)
        JSONWriter.writeString(value, into: &out)
    }

    public mutating func bool(_ name: StaticString, _ value: Bool, _ out: inout [UInt8]) {
        guard value else { return }
        key(name, &out)
        out.append(contentsOf: "true".utf8)
    }

    /// int64: a decimal string.
    public mutating func int64(_ name: StaticString, _ value: Int64, _ out: inout [UInt8]) {
        guard value != 0 else { return }
        key(name, &out)
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: String(value).utf8)
        out.append(UInt8(ascii: "\""))
    }

    public mutating func int32(_ name: StaticString, _ value: Int32, _ out: inout [UInt8]) {
        guard value != 0 else { return }
        key(name, &out)
        out.append(contentsOf: String(value).utf8)
    }

    /// A message field (always present when written).
    public mutating func message(_ name: StaticString, _ value: some ProtoJSONWritable, _ out: inout [UInt8]) {
        key(name, &out)
        value.writeJSON(into: &out)
    }

    /// A repeated message field; empty is omitted. (Inlinable, like `strings`, so callers get a
    /// specialized copy instead of looking up generic metadata on every call.)
    @inlinable
    public mutating func messages<T: ProtoJSONWritable>(_ name: StaticString, _ values: [T], _ out: inout [UInt8]) {
        list(name, values, &out) { value, out in value.writeJSON(into: &out) }
    }

    /// A repeated string field; empty is omitted.
    @inlinable
    public mutating func strings(_ name: StaticString, _ values: [String], _ out: inout [UInt8]) {
        list(name, values, &out) { value, out in JSONWriter.writeString(value, into: &out) }
    }

    /// A repeated field of any element type; empty is omitted.
    @inlinable
    public mutating func list<T>(_ name: StaticString, _ values: [T], _ out: inout [UInt8], _ element: (T, inout [UInt8]) -> Void) {
        guard !values.isEmpty else { return }
        key(name, &out)
        out.append(UInt8(ascii: "["))
        for index in values.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            element(values[index], &out)
        }
        out.append(UInt8(ascii: "]"))
    }
}
