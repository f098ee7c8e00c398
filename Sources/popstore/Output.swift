import ArgumentParser
import Foundation
import Mustache
import PopstoreCore

/// `--json` and `--format FILE`, taken by every command that shows something.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print JSON.")
    var json = false

    @Option(name: .long, help: "Render a Mustache template file over the data (a list is {{#items}}...{{/items}}).")
    var format: String?

    /// Prints `value` as JSON, through a template, or as the readable `text`.
    func emit<T: Encodable>(_ value: T, isList: Bool, text: () -> String) throws(PopstoreError) {
        if json {
            Terminal.print(try Output.json(value))
        } else if let format {
            Terminal.print(try Output.render(value, isList: isList, templateFile: format))
        } else {
            Terminal.print(text())
        }
    }
}

enum Output {
    static func json<T: Encodable>(_ value: T) throws(PopstoreError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do { return String(decoding: try encoder.encode(value), as: UTF8.self) } catch { throw .permanent("cannot encode output") }
    }

    /// Renders a Mustache template (PMDF popstore's format files, in today's spelling).
    static func render<T: Encodable>(_ value: T, isList: Bool, templateFile: String) throws(PopstoreError) -> String {
        guard let text = try? String(contentsOfFile: templateFile, encoding: .utf8) else {
            throw .notFound("cannot read template \(NameRules.printable(templateFile))")
        }
        let template: MustacheTemplate
        do { template = try MustacheTemplate(string: text) } catch { throw .invalidInput("template error: \(error)") }
        let data = try mustacheValue(value)
        return template.render(isList ? ["items": data] : data)
    }

    /// The same data as `--json`, as plain Swift values Mustache can walk.
    static func mustacheValue<T: Encodable>(_ value: T) throws(PopstoreError) -> Any {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        guard let data = try? encoder.encode(value), let tree = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw .permanent("cannot encode output")
        }
        return tree.plain
    }

    /// A table with a header row, columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    static func size(_ bytes: Int64?) -> String {
        bytes.map(ByteCount.format) ?? "-"
    }
}

/// JSON decoded into plain values (for templates).
private enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), integer(Int64), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int64.self) {
            self = .integer(i)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    var plain: Any {
        switch self {
        case .null: return Optional<String>.none as Any
        case .bool(let b): return b
        case .number(let d): return d
        case .integer(let i): return i
        case .string(let s): return s
        case .array(let a): return a.map(\.plain)
        case .object(let o):
            // A null is left out, so `{{^field}}` renders for it.
            return o.compactMapValues { value -> Any? in
                if case .null = value { return nil }
                return value.plain
            }
        }
    }
}
