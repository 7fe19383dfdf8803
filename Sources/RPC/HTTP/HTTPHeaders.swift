/// An ordered list of header fields with case-insensitive lookup.
///
/// Names parsed from the wire are stored lower-cased (as HTTP/2 does); lookups lower-case the
/// query, so `headers["Content-Type"]` and `headers["content-type"]` agree.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements { add(name, value) }
    }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((Self.lowercased(name), value))
    }

    /// Header names are ASCII tokens and almost always lower-case already: then no copy.
    static func lowercased(_ name: String) -> String {
        let scan = name.utf8.withContiguousStorageIfAvailable { bytes -> (upper: Bool, ascii: Bool) in
            var upper = false
            for byte in bytes {
                if byte >= 0x80 { return (upper, false) }
                if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { upper = true }
            }
            return (upper, true)
        }
        guard let (hasUpper, ascii) = scan, ascii else { return name.lowercased() }
        guard hasUpper else { return name }
        return String(decoding: name.utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// Replaces every field called `name` with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        add(name, value)
    }

    public mutating func remove(_ name: String) {
        let key = Self.lowercased(name)
        fields.removeAll { $0.name == key }
    }

    /// The first value of `name`, or `nil`.
    public subscript(name: String) -> String? {
        let key = Self.lowercased(name)
        return fields.first { $0.name == key }?.value
    }

    /// Every value of `name`, in order.
    public func values(_ name: String) -> [String] {
        let key = Self.lowercased(name)
        return fields.filter { $0.name == key }.map(\.value)
    }

    public func contains(_ name: String) -> Bool { self[name] != nil }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// `true` when a comma-separated header (`Connection`, `Accept-Encoding`) lists `token`.
    public func hasToken(_ token: String, in name: String) -> Bool {
        let wanted = token.lowercased()
        return values(name).contains { value in
            value.split(separator: ",").contains {
                let item = $0.split(separator: ";").first.map(String.init) ?? ""
                return item.trimmingSpaces().lowercased() == wanted
            }
        }
    }
}

extension StringProtocol {
    /// Trims spaces and horizontal tabs (HTTP's optional whitespace).
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars = scalars.dropFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
