/// What a child task of a task group hands back: a key (which item, which provider, which
/// change) and its value.
///
/// Child tasks return this class, never a tuple. Built with `-O`, Swift 6.3 on Linux loses
/// or corrupts task-group child results whose type is a tuple carrying a struct
/// (`(String, Result<LiveState, Error>)` came back empty or crashed in `swift_retain`); a
/// nominal type is copied correctly. The release binary is what users run.
public final class TaskResult<Key: Sendable, Value: Sendable>: Sendable {
    public let key: Key
    public let value: Value

    public init(_ key: Key, _ value: Value) {
        self.key = key
        self.value = value
    }
}
