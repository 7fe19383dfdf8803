/// A parsed JSON document: what `JSONParser` produces and `JSONWriter` prints.
///
/// Numbers keep the literal text they were written with, so 64-bit integers round-trip exactly
/// and each reader decides how to interpret them. Objects keep their fields in document order.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number exactly as written (valid JSON number syntax).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A short name of the value's kind, for error messages ("a string", "an object").
    package var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }

    package var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

/// The fields of a JSON object in document order; keys are unique (the parser refuses duplicates).
package struct JSONObject: Sendable, Equatable {
    package var fields: [JSONField]

    package init(_ fields: [JSONField] = []) { self.fields = fields }

    /// The value of `key`, if present (a linear scan: messages have few fields).
    package subscript(key: String) -> JSONValue? {
        for field in fields where field.key == key { return field.value }
        return nil
    }

    package var count: Int { fields.count }
}

/// One key and its value.
package struct JSONField: Sendable, Equatable {
    package var key: String
    package var value: JSONValue

    package init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
