extension ProtoParser {
    mutating func parseMessage(scope: String) throws(ProtoSyntaxError) -> ProtoMessageDescriptor {
        let comment = tokens[position].comment
        try expect("message")
        let fullName = Self.qualify(scope, try word())
        var message = ProtoMessageDescriptor(fullName: fullName, comment: comment)
        try expect("{")
        while !accept("}") {
            guard let keyword = peek() else { throw error("unclosed message \(fullName)") }
            switch keyword {
            case "message": message.messages.append(try parseMessage(scope: fullName))
            case "enum": message.enums.append(try parseEnum(scope: fullName))
            case "reserved", "option": try skipStatement()
            case ";": position += 1
            case "oneof", "group", "extensions", "required", "extend":
                throw error("\"\(keyword)\" is not supported (in \(fullName))")
            default: message.fields.append(try parseField(in: fullName))
            }
        }
        let numbers = message.fields.map(\.number)
        guard Set(numbers).count == numbers.count else { throw error("\(fullName) uses a field number twice") }
        return message
    }

    mutating func parseField(in message: String) throws(ProtoSyntaxError) -> ProtoFieldDescriptor {
        let comment = tokens[position].comment
        var label = ProtoFieldDescriptor.Label.singular
        if accept("repeated") { label = .repeated } else if accept("optional") { label = .optional }
        let type: ProtoType
        if accept("map") {
            try expect("<")
            let keyName = try word()
            guard let key = ProtoScalar(rawValue: keyName), key != .double, key != .float, key != .bytes else {
                throw error("a map key must be an integer, bool or string type, not \(keyName)")
            }
            try expect(",")
            let value = Self.type(named: try word())
            if case .named = value {} else if case .scalar = value {} else { throw error("bad map value type") }
            try expect(">")
            guard label == .singular else { throw error("a map field cannot be \(label.rawValue)") }
            type = .map(key: key, value: value)
        } else {
            type = Self.type(named: try word())
        }
        let name = try word()
        try expect("=")
        let numberText = try word()
        guard let number = Int(numberText), number >= 1, number <= (1 << 29) - 1, !(19000...19999).contains(number) else {
            throw error("field \(name) has an invalid number \(numberText)")
        }
        var field = ProtoFieldDescriptor(name: name, number: number, type: type, label: label, comment: comment)
        if accept("[") {
            repeat { try parseFieldOption(into: &field) } while accept(",")
            try expect("]")
        }
        try expect(";")
        return field
    }

    /// One field option; `(node.v1.rules).<name> = value` is kept, anything else skipped.
    mutating func parseFieldOption(into field: inout ProtoFieldDescriptor) throws(ProtoSyntaxError) {
        var name = ""
        if accept("(") {
            name = "(" + (try word()) + ")"
            try expect(")")
            if let path = peek(), path.hasPrefix(".") { name += try word() }
        } else {
            name = try word()
        }
        try expect("=")
        let value = try next()
        switch name {
        case "(node.v1.rules).required":
            guard value.text == "true" || value.text == "false" else { throw error("required must be true or false") }
            field.rules.required = value.text == "true"
        case "(node.v1.rules).pattern":
            guard value.kind == .string else { throw error("pattern must be a string") }
            field.rules.pattern = value.text
        case "(node.v1.rules).minimum", "(node.v1.rules).maximum":
            guard let number = Int64(value.text) else { throw error("\(name) must be an integer") }
            if name.hasSuffix("minimum") { field.rules.minimum = number } else { field.rules.maximum = number }
        default:
            if name.hasPrefix("(node.v1.rules)") { throw error("unknown rule \(name)") }
        }
    }

    static func type(named name: String) -> ProtoType {
        ProtoScalar(rawValue: name).map(ProtoType.scalar) ?? .named(name)
    }

    mutating func parseEnum(scope: String) throws(ProtoSyntaxError) -> ProtoEnumDescriptor {
        let comment = tokens[position].comment
        try expect("enum")
        let fullName = Self.qualify(scope, try word())
        var descriptor = ProtoEnumDescriptor(fullName: fullName, comment: comment)
        try expect("{")
        while !accept("}") {
            if peek() == "option" || peek() == "reserved" { try skipStatement(); continue }
            if accept(";") { continue }
            let valueComment = tokens[position].comment
            let name = try word()
            try expect("=")
            let numberText = try word()
            guard let number = Int32(numberText) else { throw error("enum value \(name) has an invalid number \(numberText)") }
            if accept("[") { while try next().text != "]" {} }
            try expect(";")
            descriptor.values.append(.init(name: name, number: number, comment: valueComment))
        }
        guard descriptor.values.first?.number == 0 else { throw error("the first value of \(fullName) must be 0 (proto3)") }
        return descriptor
    }

    mutating func parseService() throws(ProtoSyntaxError) -> ProtoServiceDescriptor {
        let comment = tokens[position].comment
        try expect("service")
        var service = ProtoServiceDescriptor(fullName: Self.qualify(descriptor.package, try word()), comment: comment)
        try expect("{")
        while !accept("}") {
            if peek() == "option" { try skipStatement(); continue }
            if accept(";") { continue }
            let methodComment = tokens[position].comment
            try expect("rpc")
            let name = try word()
            try expect("(")
            let clientStreaming = accept("stream")
            let request = try word()
            try expect(")")
            try expect("returns")
            try expect("(")
            let serverStreaming = accept("stream")
            let response = try word()
            try expect(")")
            var idempotency = "IDEMPOTENCY_UNKNOWN"
            if accept("{") {
                while !accept("}") {
                    if accept(";") { continue }
                    try expect("option")
                    let option = try word()
                    try expect("=")
                    let value = try word()
                    if option == "idempotency_level" {
                        guard ["IDEMPOTENCY_UNKNOWN", "IDEMPOTENT", "NO_SIDE_EFFECTS"].contains(value) else {
                            throw error("unknown idempotency_level \(value)")
                        }
                        idempotency = value
                    }
                    try expect(";")
                }
            } else {
                try expect(";")
            }
            guard !clientStreaming else { throw error("\(name): client streaming is not supported over HTTP/1.1") }
            service.methods.append(ProtoMethodDescriptor(name: name, request: request, response: response, serverStreaming: serverStreaming,
                                                         clientStreaming: clientStreaming, idempotency: idempotency, comment: methodComment))
        }
        return service
    }
}
