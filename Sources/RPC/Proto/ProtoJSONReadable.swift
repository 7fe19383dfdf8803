public import JSON

/// A message that can read itself straight from parsed JSON when the JSON is in the canonical
/// form our own writers produce, skipping the `Decodable` path on hot calls.
///
/// Guarantees (the conformer's duty, checked by tests): `init?(canonicalJSON:)` either returns
/// nil, and the codec then decodes through `Decodable` (which accepts proto3 JSON's other
/// spellings and produces the error messages), or returns exactly the message `init(from:)`
/// would. It never throws and never accepts what `init(from:)` would refuse.
public protocol ProtoJSONReadable: Decodable {
    init?(canonicalJSON value: JSONValue)
}

/// Canonical proto3 JSON field readers: nil means "not canonical, take the slow path".
public enum CanonicalJSON {
    /// The object's fields when every key is one of `allowed`, else nil. (A linear scan:
    /// messages have a handful of fields, and comparing short strings beats hashing them.)
    public static func object(_ value: JSONValue, allowed: Set<String>) -> JSONObject? {
        guard case .object(let object) = value else { return nil }
        for field in object.fields where !allowed.contains(where: { $0 == field.key }) { return nil }
        return object
    }

    /// `.some(nil)` when absent, the string when a string, nil (not canonical) otherwise.
    public static func string(_ value: JSONValue?) -> String?? {
        guard let value else { return .some(nil) }
        guard case .string(let text) = value else { return nil }
        return .some(text)
    }

    public static func bool(_ value: JSONValue?) -> Bool?? {
        guard let value else { return .some(nil) }
        guard case .bool(let flag) = value else { return nil }
        return .some(flag)
    }

    /// An int64 written as its canonical decimal string ("12", "-5"; not "012", "+5" or 12).
    public static func int64(_ value: JSONValue?) -> Int64?? {
        guard let value else { return .some(nil) }
        guard case .string(let text) = value, let number = Int64(text), String(number) == text else { return nil }
        return .some(number)
    }

    /// `.some(nil)` when absent, the message when canonical, nil otherwise.
    @inlinable
    public static func message<T: ProtoJSONReadable>(_ value: JSONValue?, of type: T.Type = T.self) -> T?? {
        guard let value else { return .some(nil) }
        guard let message = T(canonicalJSON: value) else { return nil }
        return .some(message)
    }

    /// A list of canonical strings.
    public static func strings(_ value: JSONValue?) -> [String]? {
        guard let value else { return [] }
        guard case .array(let items) = value else { return nil }
        var result: [String] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard case .string(let text) = item else { return nil }
            result.append(text)
        }
        return result
    }

    /// A list of canonical messages. (Inlinable: callers get a specialized copy.)
    @inlinable
    public static func messages<T: ProtoJSONReadable>(_ value: JSONValue?, of type: T.Type = T.self) -> [T]? {
        guard let value else { return [] }
        guard case .array(let items) = value else { return nil }
        var result: [T] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let message = T(canonicalJSON: item) else { return nil }
            result.append(message)
        }
        return result
    }
}
