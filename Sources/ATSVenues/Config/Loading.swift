import Foundation

/// Decodes JSON into `T`, turning decoding errors into ``ConfigurationError``s that name the key.
/// Strict: a key `T` does not know, anywhere in the document, is an error naming its dotted path
/// and the closest known key, never silently ignored.
public func decodeConfiguration<T: Decodable>(_ type: T.Type, from data: Data, file: String) throws(ConfigurationError)
    -> T
{
    let decoded: (T, (path: String, hint: String?)?)
    do {
        decoded = try decodeTrackingKeys(type, from: data)
    } catch let error as DecodingError {
        switch error {
        case .keyNotFound(let key, let context):
            throw ConfigurationError(file: file, key: path(context.codingPath + [key]), reason: "is missing")
        case .typeMismatch(let expected, let context):
            throw ConfigurationError(
                file: file, key: path(context.codingPath),
                reason: "has the wrong type (expected \(describe(expected))): \(context.debugDescription)")
        case .valueNotFound(let expected, let context):
            throw ConfigurationError(
                file: file, key: path(context.codingPath), reason: "is null; expected \(describe(expected))")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
                throw ConfigurationError(
                    file: file, key: "", reason: "is not valid JSON: \(underlying ?? context.debugDescription)")
            }
            throw ConfigurationError(file: file, key: path(context.codingPath), reason: context.debugDescription)
        @unknown default:
            throw ConfigurationError(file: file, key: "", reason: "\(error)")
        }
    } catch {
        throw ConfigurationError(file: file, key: "", reason: "\(error)")
    }
    if let unknown = decoded.1 {
        throw ConfigurationError(
            file: file, key: unknown.path,
            reason: "is not a known key" + (unknown.hint.map { " (did you mean \($0)?)" } ?? ""))
    }
    return decoded.0
}

public func readConfigurationFile(_ path: String) throws(ConfigurationError) -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw ConfigurationError(file: path, key: "", reason: "cannot be read (missing or not a file)")
    }
    return data
}

/// `listings[0].tickSize` from a coding path.
func path(_ codingPath: [any CodingKey]) -> String {
    var text = ""
    for key in codingPath {
        if let index = key.intValue {
            text += "[\(index)]"
        } else {
            text += text.isEmpty ? key.stringValue : "." + key.stringValue
        }
    }
    return text
}

private func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "a string"
    case is Bool.Type: return "true or false"
    case is Int.Type, is UInt64.Type: return "a whole number"
    default: return "\(type)"
    }
}

extension KeyedDecodingContainer {
    /// An optional whole-number setting: `fallback` when absent, an error naming the range when outside it.
    func setting(_ key: Key, _ fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let found = try decodeIfPresent(Int.self, forKey: key) else { return fallback }
        guard range.contains(found) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: self, debugDescription: "must be from \(range.lowerBound) to \(range.upperBound)")
        }
        return found
    }
}
