import Testing
@testable import KosmosSched
