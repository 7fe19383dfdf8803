extension SwiftGenerator {
    func emitSchema(_ message: ProtoMessageDescriptor, _ plans: [FieldPlan], into out: inout SwiftWriter) {
        guard !plans.isEmpty else {
            out.line("public static let schema: MessageSchema = MessageSchema(\(literal(message.fullName)), [])")
            return
        }
        out.line("public static let schema: MessageSchema = MessageSchema(\(literal(message.fullName)), [")
        out.indent { out in
            for plan in plans {
                var arguments = [literal(plan.field.name), String(plan.field.number), fieldType(plan)]
                switch plan.field.label {
                case .singular: break
                case .optional: arguments.append(".optional")
                case .repeated: arguments.append(".repeated")
                }
                let rules = plan.field.rules
                if rules.required { arguments.append("required: true") }
                if let pattern = rules.pattern { arguments.append("pattern: \(literal(pattern))") }
                if let minimum = rules.minimum { arguments.append("minimum: \(minimum)") }
                if let maximum = rules.maximum { arguments.append("maximum: \(maximum)") }
                if !plan.field.comment.isEmpty { arguments.append("comment: \(literal(plan.field.comment))") }
                out.line("FieldSchema(\(arguments.joined(separator: ", "))),")
            }
        }
        out.line("], comment: \(literal(message.comment)))")
    }

    func fieldType(_ plan: FieldPlan) -> String {
        switch plan.kind {
        case .scalar(let scalar): ".\(scalar.rawValue)"
        case .enumeration(let type): ".enumeration(\(type).schema)"
        case .message(let type): ".message { \(type).schema }"
        case .map(let key, let value): ".map(key: .\(key.rawValue), value: \(valueFieldType(value)))"
        }
    }

    func valueFieldType(_ value: FieldPlan.ValueKind) -> String {
        switch value {
        case .scalar(let scalar): ".\(scalar.rawValue)"
        case .enumeration(let type): ".enumeration(\(type).schema)"
        case .message(let type): ".message { \(type).schema }"
        }
    }
}
