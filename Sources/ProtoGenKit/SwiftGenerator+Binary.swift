extension SwiftGenerator {
    /// `init(protoBinary:depth:)` and `writeProtoBinary(into:)` per the protobuf encoding.
    func emitBinary(_ message: ProtoMessageDescriptor, _ plans: [FieldPlan], into out: inout SwiftWriter) {
        out.block("public init(protoBinary input: inout WireInput, depth: Int) throws(ConnectError)") { out in
            out.line("self.init()")
            out.line("try ProtoBinaryInput.checkDepth(depth, Self.schema)")
            out.line("while !input.atEnd {")
            out.line("    let (fieldNumber, wireType) = try input.tag(Self.schema.name)")
            out.line("    switch fieldNumber {")
            for plan in plans {
                out.line("    case \(plan.field.number):")
                out.line("        " + binaryRead(plan))
            }
            out.line("    default:")
            out.line("        try input.skip(wireType, Self.schema.name)")
            out.line("    }")
            out.line("}")
            out.line("try checkRequired()")
        }
        out.line()
        out.block("public func writeProtoBinary(into out: inout [UInt8])") { out in
            for plan in plans.sorted(by: { $0.field.number < $1.field.number }) { out.line(binaryWrite(plan)) }
        }
    }

    /// Reader and the wire type its values use when packed.
    func binaryScalarReader(_ scalar: ProtoScalar) -> String { "ProtoBinaryInput.\(scalar.rawValue)" }

    func packedWireType(_ scalar: ProtoScalar) -> String {
        switch scalar {
        case .double, .fixed64, .sfixed64: ".fixed64"
        case .float, .fixed32, .sfixed32: ".fixed32"
        default: ".varint"
        }
    }

    func binaryRead(_ plan: FieldPlan) -> String {
        let name = literal(plan.jsonName)
        let property = "self." + plan.property
        switch plan.kind {
        case .scalar(let scalar):
            if plan.isRepeated {
                if scalar == .string || scalar == .bytes {
                    return "\(property).append(try \(binaryScalarReader(scalar))(&input, wireType, \(name)))"
                }
                return "try ProtoBinaryInput.repeated(&input, wireType, \(name), into: &\(property), packed: \(packedWireType(scalar)), \(binaryScalarReader(scalar)))"
            }
            return "\(property) = try \(binaryScalarReader(scalar))(&input, wireType, \(name))"
        case .enumeration(let type):
            if plan.isRepeated {
                return "try ProtoBinaryInput.repeated(&input, wireType, \(name), into: &\(property), packed: .varint, \(type).readBinary)"
            }
            return "\(property) = try \(type).readBinary(&input, wireType, \(name))"
        case .message(let type):
            let read = "try ProtoBinaryInput.message(&input, wireType, \(name), depth: depth, as: \(type).self)"
            return plan.isRepeated ? "\(property).append(\(read))" : "\(property) = \(read)"
        case .map(let key, let value):
            let valueReader: String
            let valueDefault: String
            switch value {
            case .scalar(let scalar):
                valueReader = binaryScalarReader(scalar)
                valueDefault = FieldPlan.zero(scalar)
            case .enumeration(let type):
                valueReader = "\(type).readBinary"
                valueDefault = "\(type)()"
            case .message(let type):
                valueReader = "{ input, wireType, field throws(ConnectError) in try ProtoBinaryInput.message(&input, wireType, field, depth: depth, as: \(type).self) }"
                valueDefault = "\(type)()"
            }
            return "try ProtoBinaryInput.mapEntry(&input, wireType, \(name), into: &\(property), key: (\(binaryScalarReader(key)), \(FieldPlan.zero(key))), value: (\(valueReader), \(valueDefault)))"
        }
    }

    func binaryWrite(_ plan: FieldPlan) -> String {
        let number = plan.field.number
        let property = "self." + plan.property
        switch plan.kind {
        case .scalar(let scalar):
            let writer = "ProtoBinaryOutput.\(scalar.rawValue)"
            if plan.isRepeated {
                if scalar == .string || scalar == .bytes { return "for item in \(property) { \(writer)(\(number), item, &out) }" }
                return "ProtoBinaryOutput.packed(\(number), \(property), &out, ProtoBinaryOutput.\(scalar.rawValue)Value)"
            }
            if plan.isOptional { return "if let item = \(property) { \(writer)(\(number), item, &out) }" }
            return "if !(\(plan.isDefaultCondition)) { \(writer)(\(number), \(property), &out) }"
        case .enumeration:
            if plan.isRepeated { return "ProtoBinaryOutput.packed(\(number), \(property), &out, ProtoBinaryOutput.enumerationValue)" }
            if plan.isOptional { return "if let item = \(property) { ProtoBinaryOutput.enumeration(\(number), item, &out) }" }
            return "if \(property).rawValue != 0 { ProtoBinaryOutput.enumeration(\(number), \(property), &out) }"
        case .message:
            if plan.isRepeated { return "for item in \(property) { ProtoBinaryOutput.message(\(number), item, &out) }" }
            return "if let item = \(property) { ProtoBinaryOutput.message(\(number), item, &out) }"
        case .map(let key, let value):
            let valueWriter = switch value {
            case .scalar(let scalar): "ProtoBinaryOutput.\(scalar.rawValue)"
            case .enumeration: "ProtoBinaryOutput.enumeration"
            case .message: "ProtoBinaryOutput.message"
            }
            return "ProtoBinaryOutput.map(\(number), \(property), &out, key: ProtoBinaryOutput.\(key.rawValue), value: \(valueWriter))"
        }
    }
}
