import Foundation
import Yams

/// A YAML document as a tree of scalars, lists and ordered mappings: `docs/openapi.yaml`, read
/// with Yams.
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

    /// Reads `text` with Yams (a YAML 1.1 parser), keeping mappings in document order.
    static func parse(_ text: String) throws -> YAML {
        guard let node = try Yams.compose(yaml: text) else { return .map([]) }
        return YAML(node)
    }

    init(_ node: Yams.Node) {
        switch node {
        case .scalar(let scalar): self = .scalar(scalar.string)
        case .sequence(let sequence): self = .list(sequence.map(YAML.init))
        case .mapping(let mapping): self = .map(mapping.map { ($0.key.string ?? "", YAML($0.value)) })
        case .alias: self = .scalar("")
        }
    }
}
