import Foundation

exit(Bench.main(arguments: CommandLine.arguments))
