import Foundation
import NodeCLI

let status = await NodeMain.run(Array(CommandLine.arguments.dropFirst()))
exit(status)
