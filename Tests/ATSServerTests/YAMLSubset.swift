import Foundation

/// A reader for the YAML that `docs/openapi.yaml` is written in: block mappings and sequences
/// by indentation, `|` block text, flow lists `[a, b]`, double-quoted scalars, `#` comment lines.
/// Enough to check the document against the API without a YAML library.
indirect enum YAML: Equatable {
    case scalar(String)
    case list([YAML])
    case map([(String, YAML)])

    static func == (lhs: YAML, rhs: YAML) -> Bool {
        switch (lhs, rhs) {
        case (.scalar(let a), .scalar(let b)): a == b
        case (.list(let a), .list(let b)): a == b
        case (.map(let a), .map(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    subscript(_ key: String) -> YAML? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    var string: String? {
        guard case .scalar(let text) = self else { return nil }
        return text
    }

    var items: [YAML] {
        guard case .list(let items) = self else { return [] }
        return items
    }

    var pairs: [(String, YAML)] {
        guard case .map(let pairs) = self else { return [] }
        return pairs
    }

    static func parse(_ text: String) -> YAML {
        var reader = Reader(
            lines: text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
                let indent = line.prefix { $0 == " " }.count
                let content = line.dropFirst(indent)
                if content.isEmpty || content.hasPrefix("#") { return nil }
                return (indent, String(content))
            })
        return reader.block(indent: 0)
    }

    private struct Reader {
        var lines: [(indent: Int, text: String)]
        var index = 0

        mutating func block(indent: Int) -> YAML {
            guard index < lines.count else { return .scalar("") }
            return lines[index].text.hasPrefix("- ") ? sequence(indent: indent) : mapping(indent: indent)
        }

        mutating func mapping(indent: Int) -> YAML {
            var pairs: [(String, YAML)] = []
            while index < lines.count, lines[index].indent == indent, !lines[index].text.hasPrefix("- ") {
                let text = lines[index].text
                let (key, rest) = split(text)
                index += 1
                if rest == "|" {
                    var body: [String] = []
                    while index < lines.count, lines[index].indent > indent {
                        body.append(lines[index].text)
                        index += 1
                    }
                    pairs.append((key, .scalar(body.joined(separator: "\n"))))
                } else if rest.isEmpty {
                    pairs.append(
                        (
                            key,
                            index < lines.count && lines[index].indent > indent
                                ? block(indent: lines[index].indent) : .scalar("")
                        ))
                } else {
                    pairs.append((key, Reader.value(rest)))
                }
            }
            return .map(pairs)
        }

        mutating func sequence(indent: Int) -> YAML {
            var items: [YAML] = []
            while index < lines.count, lines[index].indent == indent, lines[index].text.hasPrefix("- ") {
                let item = String(lines[index].text.dropFirst(2))
                if item.contains(": ") || item.hasSuffix(":") {
                    lines[index] = (indent + 2, item)
                    items.append(mapping(indent: indent + 2))
                } else {
                    items.append(Reader.value(item))
                    index += 1
                }
            }
            return .list(items)
        }

        func split(_ text: String) -> (String, String) {
            if let range = text.range(of: ": ") {
                return (
                    Reader.unquote(String(text[..<range.lowerBound])),
                    String(text[range.upperBound...]).trimmingCharacters(in: .whitespaces)
                )
            }
            return (Reader.unquote(String(text.dropLast())), "")
        }

        static func value(_ text: String) -> YAML {
            if text.hasPrefix("[") && text.hasSuffix("]") {
                let inner = text.dropFirst().dropLast()
                return .list(
                    inner.split(separator: ",").map { .scalar(unquote($0.trimmingCharacters(in: .whitespaces))) }
                        .filter { $0 != .scalar("") })
            }
            return .scalar(unquote(text))
        }

        static func unquote(_ text: String) -> String {
            guard text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") else { return text }
            return String(text.dropFirst().dropLast()).replacingOccurrences(of: "\\\"", with: "\"")
        }
    }
}
