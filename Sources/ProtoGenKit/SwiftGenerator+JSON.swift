extension SwiftGenerator {
    /// `init(protoJSON:)` (every proto3 JSON spelling, errors naming the field) and
    /// `writeJSON(into:)` (canonical: lowerCamel keys, defaults omitted, map keys sorted).
    func emitJSON(_ message: ProtoMessageDescriptor, _ plans: [FieldPlan], into out: inout SwiftWriter) {
        out.block("public init(protoJSON value: JSONValue) throws(ConnectError)") { out in
            out.line("self.init()")
            if plans.isEmpty {
                out.line("if let field = try ProtoJSONInput.object(value, Self.schema).fields.first {")
                out.line("    throw ProtoJSONInput.unknown(field.key, Self.schema)")
                out.line("}")
            } else {
                out.line("let object = try ProtoJSONInput.object(value, Self.schema)")
                out.line("var seen = ProtoJSONInput.Seen()")
                out.line("for field in object.fields {")
                out.line("    switch field.key {")
                for (index, plan) in plans.enumerated() {
                    let spellings = plan.field.name == plan.jsonName ? literal(plan.jsonName) : "\(literal(plan.jsonName)), \(literal(plan.field.name))"
                    out.line("    case \(spellings):")
                    out.line("        try seen.insert(\(index), field.key, Self.schema)")
                    out.line("        if !field.value.isNull { self.\(plan.property) = \(jsonRead(plan)) }")
                }
                out.line("    default:")
                out.line("        throw ProtoJSONInput.unknown(field.key, Self.schema)")
                out.line("    }")
                out.line("}")
            }
            out.line("try checkRequired()")
        }
        out.line()
        out.block("public func writeJSON(into out: inout [UInt8])") { out in
            out.line("\(plans.isEmpty ? "let" : "var") w = ProtoJSONObjectWriter(&out)")
            for plan in plans { out.line(jsonWrite(plan)) }
            out.line("w.finish(&out)")
        }
        out.line()
        out.line("public init(from decoder: any Decoder) throws { try self.init(fromDecoder: decoder) }")
        out.line("public func encode(to encoder: any Encoder) throws { try encode(toEncoder: encoder) }")
    }

    func jsonRead(_ plan: FieldPlan) -> String {
        let name = literal(plan.jsonName)
        let value = "field.value"
        if plan.isRepeated { return "try ProtoJSONInput.list(\(value), \(name), \(jsonElementReader(plan.kind)))" }
        switch plan.kind {
        case .scalar(let scalar): return "try ProtoJSONInput.\(FieldPlan.jsonCoder(scalar))(\(value), \(name))"
        case .enumeration(let type): return "try \(type).readJSON(\(value), \(name))"
        case .message(let type): return "try \(type)(protoJSON: \(value))"
        case .map(let key, let mapValue):
            return "try ProtoJSONInput.map(\(value), \(name), key: ProtoJSONInput.\(FieldPlan.jsonCoder(key))Key, value: \(jsonValueReader(mapValue)))"
        }
    }

    func jsonElementReader(_ kind: FieldPlan.Kind) -> String {
        switch kind {
        case .scalar(let scalar): "ProtoJSONInput.\(FieldPlan.jsonCoder(scalar))"
        case .enumeration(let type), .message(let type): "\(type).readJSON"
        case .map: "<map>"
        }
    }

    func jsonValueReader(_ value: FieldPlan.ValueKind) -> String {
        switch value {
        case .scalar(let scalar): "ProtoJSONInput.\(FieldPlan.jsonCoder(scalar))"
        case .enumeration(let type), .message(let type): "\(type).readJSON"
        }
    }

    func jsonWrite(_ plan: FieldPlan) -> String {
        let name = literal(plan.jsonName)
        let property = "self." + plan.property
        if plan.isRepeated { return "w.list(\(name), \(property), &out, \(jsonElementWriter(plan.kind)))" }
        switch plan.kind {
        case .scalar(let scalar):
            return plan.isOptional
                ? "w.optional(\(name), \(property), &out, ProtoJSONOutput.\(FieldPlan.jsonCoder(scalar)))"
                : "w.\(FieldPlan.jsonCoder(scalar))(\(name), \(property), &out)"
        case .enumeration:
            return plan.isOptional
                ? "w.optional(\(name), \(property), &out, ProtoJSONOutput.enumeration)"
                : "w.enumeration(\(name), \(property), &out)"
        case .message: return "if let item = \(property) { w.message(\(name), item, &out) }"
        case .map(_, let value): return "w.map(\(name), \(property), &out, \(jsonValueWriter(value)))"
        }
    }

    func jsonElementWriter(_ kind: FieldPlan.Kind) -> String {
        switch kind {
        case .scalar(let scalar): "ProtoJSONOutput.\(FieldPlan.jsonCoder(scalar))"
        case .enumeration: "ProtoJSONOutput.enumeration"
        case .message: "ProtoJSONOutput.message"
        case .map: "<map>"
        }
    }

    func jsonValueWriter(_ value: FieldPlan.ValueKind) -> String {
        switch value {
        case .scalar(let scalar): "ProtoJSONOutput.\(FieldPlan.jsonCoder(scalar))"
        case .enumeration: "ProtoJSONOutput.enumeration"
        case .message: "ProtoJSONOutput.message"
        }
    }
}
