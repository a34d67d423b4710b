/// A configuration file that cannot be used: which file, which key, and why.
public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    public let file: String
    /// A dotted path such as `listings[0].tickSize`; empty for the whole file.
    public let key: String
    public let reason: String

    public init(file: String, key: String, reason: String) {
        self.file = file
        self.key = key
        self.reason = reason
    }

    public var description: String { key.isEmpty ? "\(file): \(reason)" : "\(file): \(key): \(reason)" }
}
