/// A parsed JSON document: what `JSONParser` produces and `JSONWriter` prints.
///
/// Numbers keep the literal text they were written with, so 64-bit integers round-trip exactly
/// and each reader decides how to interpret them. Objects keep their fields in document order.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number exactly as written (valid JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's kind, for error messages ("a string", "an object").
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// The fields of a JSON object in document order; keys are unique (the parser refuses duplicates).
public struct JSONObject: Sendable, Equatable {
    public var fields: [JSONField]

    public init(_ fields: [JSONField] = []) { self.fields = fields }

    /// The value of `key`, if present (a linear scan: messages have few fields).
    public subscript(key: String) -> JSONValue? {
        for field in fields where field.key == key { return field.value }
        return nil
    }

    public var count: Int { fields.count }
}

/// One key and its value.
public struct JSONField: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
