import Logging

/// The process's log lines exactly as swift-log's `StreamLogHandler` writes them (to standard
/// error), with the logger's own metadata formatted when a line is written rather than each time it
/// changes. Hummingbird gives every request's logger its request id, and `StreamLogHandler` formats
/// all its metadata into text on every such change: a few percent of the service's time on every
/// request, though at the default level a request writes no line.
public struct LineLogHandler: LogHandler {
    private var writer: StreamLogHandler
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public var logLevel: Logger.Level {
        get { writer.logLevel }
        set { writer.logLevel = newValue }
    }

    /// `writer` writes the lines; its own metadata and provider are not used.
    public init(writer: StreamLogHandler, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.writer = writer
        self.writer.metadataProvider = nil
        self.metadataProvider = metadataProvider
    }

    public static func standardError(label: String) -> LineLogHandler {
        LineLogHandler(writer: .standardError(label: label))
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The logger's metadata, then the provider's, then the line's own, each overriding the one
    /// before, as `StreamLogHandler` merges them.
    public func log(event: LogEvent) {
        var line = event
        let provided = metadataProvider?.get() ?? [:]
        if !metadata.isEmpty || !provided.isEmpty {
            line.metadata = metadata.merging(provided) { _, provided in provided }
                .merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        writer.log(event: line)
    }
}
