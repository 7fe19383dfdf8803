import Foundation

/// An OpenAPI 3.1 document generated from a router, so schema-driven tools (schemathesis,
/// client generators) see exactly what the node serves.
///
/// Request schemas are as permissive as proto3 JSON parsing (both field spellings, `null`,
/// int64 as string or integer, enums by name or number); response schemas are canonical.
public enum OpenAPIDocument {
    /// - Parameter security: the bearer token each service needs (declared per operation, with
    ///   the schemes in `components.securitySchemes`); nil for none.
    public static func generate(_ router: RPCRouter, title: String, version: String,
                                security: (String) -> TokenAuthenticator.Requirement? = { _ in nil }) -> [UInt8] {
        var paths: [String: Any] = [:]
        var schemas: [String: Any] = ["connect.error": errorSchema()]
        for (name, schema) in router.messageSchemas {
            schemas[name + ".request"] = messageSchema(schema, request: true)
            schemas[name] = messageSchema(schema, request: false)
        }
        for method in router.methods {
            let streaming = method.kind == .serverStreaming
            let mediaType = streaming ? "application/connect+json" : "application/json"
            var responses: [String: Any] = [
                "200": ["description": "Success",
                        "content": [mediaType: ["schema": ref(method.response.name)]]],
                "415": ["description": "Unsupported content type (empty body)"],
                "default": ["description": "Connect error",
                            "content": ["application/json": ["schema": ref("connect.error")]]],
            ]
            if streaming {
                responses["200"] = ["description": "A stream of enveloped messages (Connect streaming framing)",
                                    "content": [mediaType: ["schema": ["type": "string", "format": "binary"]]]]
            }
            var item: [String: Any] = [:]
            var post: [String: Any] = [
                "operationId": "\(method.service).\(method.method)",
                "tags": [method.service],
                "parameters": headerParameters(),
                "requestBody": ["required": true, "content": [
                    mediaType: ["schema": streaming ? ["type": "string", "format": "binary"] : ref(method.request.name + ".request")],
                ]],
                "responses": responses,
            ]
            // The method's .proto comment: its first sentence as the summary, all of it as the description.
            if !method.comment.isEmpty {
                post["summary"] = summary(method.comment)
                post["description"] = method.comment
            }
            if streaming {
                post["description"] = ((post["description"] as? String).map { $0 + "\n\n" } ?? "")
                    + "Server streaming: the request is one enveloped message."
            }
            let requirement = security(method.service)
            if let requirement { post["security"] = [[requirement.rawValue: [String]()]] }
            item["post"] = post
            if method.allowsGET {
                var get: [String: Any] = [
                    "operationId": "\(method.service).\(method.method).get",
                    "tags": [method.service],
                    "parameters": headerParameters() + [
                        ["name": "connect", "in": "query", "required": false, "schema": ["type": "string", "const": "v1"]],
                        ["name": "encoding", "in": "query", "required": true, "schema": ["type": "string", "const": "json"]],
                        ["name": "message", "in": "query", "required": true,
                         "content": ["application/json": ["schema": ref(method.request.name + ".request")]],
                         "description": "The request message as JSON (percent-encoded)"],
                    ],
                    "responses": responses,
                ]
                if let requirement { get["security"] = [[requirement.rawValue: [String]()]] }
                if !method.comment.isEmpty { get["summary"] = summary(method.comment) }
                item["get"] = get
            }
            paths[method.path] = item
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": title, "version": version],
            "paths": paths,
            "components": ["schemas": schemas, "securitySchemes": [
                TokenAuthenticator.Requirement.clusterToken.rawValue: [
                    "type": "http", "scheme": "bearer",
                    "description": "The cluster's shared secret (--cluster-token): peer-only services, such as replication.",
                ],
                TokenAuthenticator.Requirement.clientToken.rawValue: [
                    "type": "http", "scheme": "bearer", "description": "A client token (--client-tokens), when the node requires one.",
                ],
            ]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Array(data)
    }

    static func ref(_ name: String) -> [String: Any] {
        ["$ref": "#/components/schemas/\(name)"]
    }

    /// `Connect-Timeout-Ms` is left out on purpose: every positive value is valid, and a tiny one
    /// validly ends in `deadline_exceeded` (504), which schema-driven fuzzers count as a server
    /// error. It is documented in Protocols/README.md and tested by the node's own tests.
    static func headerParameters() -> [[String: Any]] {
        [
            ["name": "Connect-Protocol-Version", "in": "header", "required": false,
             "schema": ["type": "string", "const": "1"]],
        ]
    }

    static func errorSchema() -> [String: Any] {
        [
            "type": "object",
            "required": ["code"],
            "properties": [
                "code": ["type": "string", "enum": ConnectCode.allCases.map(\.wireName)],
                "message": ["type": "string"],
                "details": ["type": "array", "items": [
                    "type": "object",
                    "properties": ["type": ["type": "string"], "value": ["type": "string"], "debug": [:]],
                ]],
            ],
        ]
    }

    /// The first sentence of a comment, on one line.
    static func summary(_ comment: String) -> String {
        let line = comment.split(separator: "\n").joined(separator: " ")
        guard let end = line.range(of: ". ") else { return line }
        return String(line[..<end.lowerBound]) + "."
    }

    static func messageSchema(_ schema: MessageSchema, request: Bool) -> [String: Any] {
        var properties: [String: Any] = [:]
        var required: [String] = []
        for field in schema.fields {
            var type = fieldSchema(field, request: request)
            if !field.comment.isEmpty {
                type = type["$ref"] == nil ? type : ["allOf": [type]]
                type["description"] = field.comment
            }
            properties[field.jsonName] = type
            // Required fields are documented under their JSON name only, non-null and non-empty.
            if request && field.required {
                required.append(field.jsonName)
            } else if request && field.name != field.jsonName {
                properties[field.name] = type
            }
        }
        var object: [String: Any] = ["type": "object", "properties": properties, "additionalProperties": false]
        if !schema.comment.isEmpty { object["description"] = schema.comment }
        if !required.isEmpty { object["required"] = required }
        // A field may be given under one spelling only.
        let exclusive = schema.fields.filter { request && !$0.required && $0.name != $0.jsonName }
            .map { ["not": ["required": [$0.jsonName, $0.name]]] }
        if !exclusive.isEmpty { object["allOf"] = exclusive }
        return object
    }

    static func fieldSchema(_ field: FieldSchema, request: Bool) -> [String: Any] {
        var schema = typeSchema(field.type, request: request)
        if request { schema = constrained(schema, field) }
        if field.label == .repeated { schema = ["type": "array", "items": schema] }
        if request && field.required {
            if case .string = field.type, field.label != .repeated { schema["minLength"] = 1 }
            return schema
        }
        if request { schema = ["anyOf": [schema, ["type": "null"]]] }
        return schema
    }

    /// Adds a field's documented pattern and range to its request schema.
    static func constrained(_ schema: [String: Any], _ field: FieldSchema) -> [String: Any] {
        var schema = schema
        if let pattern = field.pattern { schema["pattern"] = pattern }
        guard field.minimum != nil || field.maximum != nil else { return schema }
        // A range is stated for the number form only (int64 strings cannot carry one).
        var integer: [String: Any] = ["type": "integer"]
        if let minimum = field.minimum { integer["minimum"] = minimum }
        if let maximum = field.maximum { integer["maximum"] = maximum }
        return integer
    }

    static func typeSchema(_ type: FieldType, request: Bool) -> [String: Any] {
        switch type.jsonForm {
        case .string: return ["type": "string"]
        case .bool: return ["type": "boolean"]
        case .int32: return ["type": "integer", "minimum": Int(Int32.min), "maximum": Int(Int32.max)]
        case .uint32: return ["type": "integer", "minimum": 0, "maximum": Int(UInt32.max)]
        case .int64, .uint64:
            let type = type.jsonForm
            let pattern = type.protoName == "uint64" ? "^[0-9]+$" : "^-?[0-9]+$"
            if request {
                let range: [String: Any] = type.protoName == "uint64"
                    ? ["type": "integer", "minimum": 0, "maximum": UInt64.max]
                    : ["type": "integer", "minimum": Int64.min, "maximum": Int64.max]
                return ["anyOf": [["type": "string", "pattern": pattern], range]]
            }
            return ["type": "string", "pattern": pattern]
        case .double: return ["type": "number"]
        case .bytes: return ["type": "string", "contentEncoding": "base64"]
        case .enumeration(let schema):
            let names = schema.values.map(\.name)
            if request {
                return ["anyOf": [["type": "string", "enum": names], ["type": "integer", "enum": schema.values.map { Int($0.number) }]]]
            }
            return ["type": "string", "enum": names]
        case .message(let make):
            return ref(make().name + (request ? ".request" : ""))
        case .map(_, let value):
            return ["type": "object", "additionalProperties": typeSchema(value, request: request)]
        case .float, .sint32, .sint64, .fixed32, .fixed64, .sfixed32, .sfixed64:
            return typeSchema(type.jsonForm, request: request)  // never reached: switched on jsonForm
        }
    }
}
