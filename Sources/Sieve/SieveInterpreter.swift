/// Runs a compiled program against one message and collects its actions.
///
/// A tree walker over the typed program. Every command, test and unit of matching work
/// costs steps against `SieveLimits.maximumSteps`, so no script can take unbounded time.
/// - SeeAlso: RFC 5228 §2.10 (actions, implicit keep, errors)
struct SieveInterpreter {
    /// The script running now: the main one, or the included one while it runs.
    var program: SieveProgram
    /// The caller's world; the testsuite changes its settings between tests (`test_config_set`).
    var context: SieveRunContext
    var message: SieveMessage
    var steps = 0
    var actions = SieveActionList()
    var variables: [String: String] = [:]
    var matchVariables: [String] = []
    /// The imap4flags internal variable (RFC 5232 §3).
    var internalFlags: [String] = []
    var headerEdited = false
    /// The message before each header edit and how many actions there were then; kept
    /// only when asked for (the testsuite), so each action can act on the message as it
    /// stood when the action ran, as Pigeonhole does (see `SieveMessageSnapshot`).
    var editHistory: [SieveMessageSnapshot]?
    var duplicateChecks: [SieveDuplicateCheck] = []
    /// Problems that did not stop the run (a bad `:regex` pattern from a variable).
    var warnings: [String] = []
    var includes = SieveIncludeState()
    /// Set only when running a test file (`SieveTestsuite.run`).
    var testsuite: SieveTestsuiteState?

    init(program: SieveProgram, message: SieveMessage, context: SieveRunContext) {
        self.program = program
        self.message = message
        self.context = context
    }

    mutating func run() throws(SieveRuntimeError) -> SieveResult {
        _ = try execute(program.statements)
        return SieveResult(
            actions: actions.actions, implicitKeep: actions.implicitKeep, implicitKeepFlags: internalFlags,
            editedHeader: headerEdited ? message.headerFields : nil, duplicateChecks: duplicateChecks)
    }

    /// Runs a block; returns `true` when `stop` ended the script.
    mutating func execute(_ statements: [SieveStatement]) throws(SieveRuntimeError) -> Bool {
        for statement in statements {
            try charge(1, at: statement.location)
            if try execute(statement.command, at: statement.location) { return true }
        }
        return false
    }

    private mutating func execute(_ command: SieveCommand, at location: SourceLocation) throws(SieveRuntimeError) -> Bool {
        switch command {
        case .conditional(let branches, let otherwise):
            for branch in branches where try evaluate(branch.test, at: location) {
                return try execute(branch.statements)
            }
            return try otherwise.map { statements throws(SieveRuntimeError) in try execute(statements) } ?? false
        case .stop:
            return true
        case .keep(let flags):
            try actions.add(.keep(flags: try flagList(flags)), at: location)
        case .discard:
            try actions.add(.discard, at: location)
        case .redirect(let addressText, let copy):
            let address = expand(addressText)
            guard let parsed = SieveMailbox.parse(address) else {
                throw SieveRuntimeError(kind: .invalidArgument, location: location, message: "redirect address '\(address)' is not valid")
            }
            // The address as SMTP will write it: a local part that needs quotes keeps them,
            // one that does not loses them (RFC 5321 §4.1.2).
            try actions.add(.redirect(address: parsed.encoded, copy: copy), at: location)
        case .fileinto(let mailbox, let copy, let create, let flags):
            let action = SieveAction.fileinto(mailbox: expand(mailbox), flags: try flagList(flags), copy: copy, create: create)
            try actions.add(action, at: location)
        case .reject(let reason, let extended):
            try actions.add(.reject(reason: expand(reason), extended: extended), at: location)
        case .vacation(let vacation):
            try actions.add(.vacation(self.vacation(vacation)), at: location)
        case .set(let name, let value, let modifiers):
            try assign(name, SieveSetModifier.apply(modifiers, to: expand(value), limit: context.maximumVariableSize), at: location)
        case .addHeader(let name, let value, let last):
            try addHeader(name: expand(name), value: expand(value), last: last, at: location)
        case .deleteHeader(let name, let index, let match):
            try deleteHeader(name: expand(name), index: index, match: match, at: location)
        case .flags(let operation, let variable, let flags):
            try changeFlags(operation, variable: variable, flags: flags.map(expand), at: location)
        case .include(let include):
            return try self.include(include, at: location)
        case .returnFromInclude:
            includes.returning = true
            return true
        case .global:
            break
        case .error(let message):
            throw SieveRuntimeError(kind: .scriptError, location: location, message: expand(message))
        case .testsuite(let command):
            return try testsuiteCommand(command, at: location)
        }
        return false
    }

    // MARK: - Values

    /// A string with its variable references replaced (RFC 5229 §3): an unset variable
    /// or match variable is the empty string.
    func expand(_ text: SieveText) -> String {
        if let constant = text.constant { return constant }
        var result = ""
        for part in text.parts {
            switch part {
            case .literal(let literal): result += literal
            case .variable(let name): result += variables[name] ?? ""
            case .matchVariable(let index): result += index < matchVariables.count ? matchVariables[index] : ""
            }
        }
        return result
    }

    mutating func assign(_ name: String, _ value: String, at location: SourceLocation) throws(SieveRuntimeError) {
        if variables[name] == nil, variables.count >= SieveLimits.maximumVariables {
            throw SieveRuntimeError(
                kind: .invalidArgument, location: location, message: "more than \(SieveLimits.maximumVariables) variables")
        }
        variables[name] = Self.truncated(value, to: context.maximumVariableSize)
    }

    /// The longest prefix of `value` within `limit` UTF-8 bytes that ends on a character
    /// (a whole UTF-8 sequence: the limit counts octets, RFC 5229 §6).
    static func truncated(_ value: String, to limit: Int) -> String {
        guard value.utf8.count > limit else { return value }
        var result = String.UnicodeScalarView()
        var size = 0
        for scalar in value.unicodeScalars {
            size += UTF8.width(scalar)
            if size > limit { break }
            result.append(scalar)
        }
        return String(result)
    }

    mutating func charge(_ cost: Int, at location: SourceLocation) throws(SieveRuntimeError) {
        steps += cost
        if steps > SieveLimits.maximumSteps {
            throw SieveRuntimeError(
                kind: .stepLimitExceeded, location: location, message: "script exceeded \(SieveLimits.maximumSteps) steps")
        }
    }

    // MARK: - Vacation

    private func vacation(_ command: SieveVacationCommand) -> SieveVacation {
        let reason = expand(command.reason)
        let subject = command.subject.map(expand)
        let from = command.from.map(expand)
        let addresses = command.addresses.map(expand)
        var seconds = command.interval
        if let interval = seconds, !command.intervalIsSeconds {
            seconds = interval.multipliedReportingOverflow(by: 86_400).overflow ? UInt64.max : interval * 86_400
        }
        // RFC 5230 §4.2: without :handle, responses differing in any argument are distinct.
        let handle =
            command.handle.map(expand)
            ?? [reason, subject ?? "", from ?? "", addresses.joined(separator: ","), command.mime ? "mime" : ""]
            .joined(separator: "\u{0}")
        return SieveVacation(
            reason: reason, subject: subject, from: from, addresses: addresses, mime: command.mime, handle: handle, seconds: seconds)
    }
}

extension SieveSetModifier {
    /// Applies modifiers in precedence order (they arrive sorted) (RFC 5229 §4.1).
    /// `:quotewildcard` stops before a character whose quoted form would pass `limit`
    /// bytes, so that truncation never leaves a dangling backslash.
    static func apply(_ modifiers: [SieveSetModifier], to value: String, limit: Int = .max) -> String {
        var value = value
        for modifier in modifiers {
            switch modifier {
            case .lower: value = value.lowercased()
            case .upper: value = value.uppercased()
            case .lowerfirst: value = (value.first.map { String($0).lowercased() } ?? "") + value.dropFirst()
            case .upperfirst: value = (value.first.map { String($0).uppercased() } ?? "") + value.dropFirst()
            case .quotewildcard:
                var quoted = ""
                var size = 0
                for character in value {
                    let special = character == "*" || character == "?" || character == "\\"
                    size += character.utf8.count + (special ? 1 : 0)
                    if size > limit { break }
                    if special { quoted.append("\\") }
                    quoted.append(character)
                }
                value = quoted
            case .length: value = String(value.unicodeScalars.count)
            }
        }
        return value
    }
}
