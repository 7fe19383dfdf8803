/// Why a `.proto` file could not be read or generated from: the file, the line and the problem.
package struct ProtoSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var problem: String

    package init(file: String, line: Int, problem: String) {
        self.file = file
        self.line = line
        self.problem = problem
    }

    package var description: String { "\(file):\(line): \(problem)" }
}
