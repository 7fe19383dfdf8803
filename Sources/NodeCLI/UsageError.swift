/// A command line that cannot be run; printed with the usage text, exit status 64 (EX_USAGE).
package struct UsageError: Error, Equatable, CustomStringConvertible {
    package let message: String
    /// The subcommand whose usage to print.
    package let command: String?

    package init(_ message: String, command: String? = nil) {
        self.message = message
        self.command = command
    }

    package var description: String { message }
}
