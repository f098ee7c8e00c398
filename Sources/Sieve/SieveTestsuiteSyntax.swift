/// The commands of the testsuite extension, checked and typed.
enum SieveTestsuiteCommand: Sendable {
    /// `test <name> { ... }`: one test case; a failure ends it, not the file.
    case test(name: String, block: [SieveStatement])
    /// `test_fail <reason>`.
    case fail(SieveText)
    /// `test_set <item> <value>`: "message", "envelope.from", "envelope.to", ...
    case set(item: SieveText, value: SieveText)
    /// `test_message :smtp <n>` / `:folder <name> <n>` used as a command.
    case message(SieveTestsuiteMessageSource, index: UInt64)
    case resultReset
    case configSet(name: SieveText, value: SieveText)
    case configUnset(name: SieveText)
    case mailboxCreate(SieveText)
    /// Commands with nothing to do here: test_config_reload, test_binary_save,
    /// test_binary_load, test_result_print.
    case ignored
}

/// The tests of the testsuite extension.
enum SieveTestsuiteTest: Sendable {
    case scriptCompile(SieveText)
    case scriptRun(appendResult: Bool)
    case resultExecute
    /// `test_result_action [:index n] [MATCH] <names>`: the names of the result's actions.
    case resultAction(index: Int?, match: SieveMatch)
    /// `test_error [:index n] [MATCH] <messages>`: the errors of the last compile or run.
    case error(index: Int?, match: SieveMatch)
    case message(SieveTestsuiteMessageSource, index: UInt64)
    /// `test_multiscript <scripts>`: the scripts run in turn on the message, as a
    /// delivery runs sieve_before, personal and sieve_after scripts.
    case multiscript([SieveText])
}

/// Where `test_message` finds a message the executed result produced.
enum SieveTestsuiteMessageSource: Sendable {
    /// Sent: redirects, vacation replies, rejections, in order.
    case smtp
    /// Stored in a mailbox.
    case folder(SieveText)
}

/// Validation of the testsuite extension's commands and tests.
extension SieveValidator {
    var testsuiteEnabled: Bool { required.contains(SieveTestsuite.capability) }

    static let testsuiteCommandNames: Set<String> = [
        "test_fail", "test_set", "test_config_set", "test_config_unset", "test_mailbox_create", "test_message",
        "test_result_reset", "test_config_reload", "test_binary_save", "test_binary_load", "test_result_print",
    ]
    static let testsuiteTestNames: Set<String> = [
        "test_script_compile", "test_script_run", "test_result_execute", "test_result_action", "test_error", "test_message",
        "test_multiscript",
    ]

    // test <name: string> <block>
    mutating func testsuiteBlock(_ command: SieveSyntax.Command) throws(SieveError) -> SieveCommand {
        var reader = try SieveArgumentReader(command.arguments.arguments, of: "test", at: command.location, shapes: [:])
        let (name, location) = try reader.string("test name")
        try reader.finish()
        guard let commands = command.block else {
            throw SieveError(location: command.location, message: "'test' needs a block")
        }
        return .testsuite(.test(name: try constant(name, at: location), block: block(commands[...])))
    }

    /// A testsuite command, or `nil` when `name` is not one.
    mutating func testsuiteCommand(_ name: String, _ arguments: [SieveSyntax.Argument], at location: SourceLocation)
        throws(SieveError) -> SieveCommand?
    {
        let command: SieveTestsuiteCommand
        switch name {
        case "test_fail":
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            let (reason, reasonLocation) = try reader.string("reason")
            try reader.finish()
            command = .fail(try text(reason, at: reasonLocation))
        case "test_set", "test_config_set":
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            let (item, itemLocation) = try reader.string("name")
            let (value, valueLocation) = try reader.string("value")
            try reader.finish()
            let itemText = try text(item, at: itemLocation)
            let valueText = try text(value, at: valueLocation)
            command = name == "test_set" ? .set(item: itemText, value: valueText) : .configSet(name: itemText, value: valueText)
        case "test_config_unset", "test_mailbox_create":
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            let (value, valueLocation) = try reader.string("name")
            try reader.finish()
            let valueText = try text(value, at: valueLocation)
            command = name == "test_mailbox_create" ? .mailboxCreate(valueText) : .configUnset(name: valueText)
        case "test_message":
            let (source, index) = try testsuiteMessage(arguments, at: location)
            command = .message(source, index: index)
        case "test_result_reset":
            try SieveArgumentReader(arguments, of: name, at: location, shapes: [:]).finish()
            command = .resultReset
        case "test_config_reload":
            try SieveArgumentReader(arguments, of: name, at: location, shapes: ["extension": .string]).finish()
            command = .ignored
        case "test_binary_save", "test_binary_load":
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            _ = try reader.string("binary name")
            try reader.finish()
            command = .ignored
        case "test_result_print":
            command = .ignored
        default:
            return nil
        }
        return .testsuite(command)
    }

    /// A testsuite test, or `nil` when `name` is not one.
    mutating func testsuiteTest(_ name: String, _ arguments: [SieveSyntax.Argument], at location: SourceLocation)
        throws(SieveError) -> SieveTest?
    {
        let test: SieveTestsuiteTest
        switch name {
        case "test_script_compile":
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            let (path, pathLocation) = try reader.string("script path")
            try reader.finish()
            test = .scriptCompile(try text(path, at: pathLocation))
        case "test_script_run":
            let reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: ["append_result": .flag])
            try reader.finish()
            test = .scriptRun(appendResult: reader.flag("append_result"))
        case "test_result_execute":
            try SieveArgumentReader(arguments, of: name, at: location, shapes: [:]).finish()
            test = .resultExecute
        case "test_result_action", "test_error":
            var shapes = matchShapes()
            shapes["index"] = .number
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: shapes)
            var index: Int?
            if case .number(let number) = reader.tags["index"]?.parameter?.value { index = Int(clamping: number) }
            let match = try self.match(&reader, keysWhat: name == "test_error" ? "error messages" : "action names")
            try reader.finish()
            test = name == "test_error" ? .error(index: index, match: match) : .resultAction(index: index, match: match)
        case "test_message":
            let (source, index) = try testsuiteMessage(arguments, at: location)
            test = .message(source, index: index)
        case "test_multiscript":
            var reader = try SieveArgumentReader(arguments, of: name, at: location, shapes: [:])
            let (paths, pathsLocation) = try reader.stringList("script paths")
            try reader.finish()
            test = .multiscript(try texts(paths, at: pathsLocation))
        default:
            return nil
        }
        return .testsuite(test)
    }

    // test_message ( ":smtp" / ":folder" <folder: string> ) <index: number>
    private func testsuiteMessage(_ arguments: [SieveSyntax.Argument], at location: SourceLocation) throws(SieveError)
        -> (SieveTestsuiteMessageSource, UInt64)
    {
        var reader = try SieveArgumentReader(arguments, of: "test_message", at: location, shapes: ["smtp": .flag, "folder": .string])
        let source = try reader.oneOf(["smtp", "folder"], what: "of ':smtp' and ':folder'")
        let index = try reader.number("index")
        try reader.finish()
        guard let source else { throw SieveError(location: location, message: "'test_message' needs ':smtp' or ':folder'") }
        if let parameter = source.parameter, case .strings(let strings, _) = parameter.value {
            return (.folder(try text(strings[0], at: parameter.location)), index)
        }
        return (.smtp, index)
    }
}
