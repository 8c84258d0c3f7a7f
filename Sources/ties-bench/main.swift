import Foundation
import TiesSystem

CurrentProcess.exit(Bench.main(arguments: CommandLine.arguments))
