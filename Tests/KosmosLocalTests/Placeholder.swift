import Testing
@testable import KosmosLocal
