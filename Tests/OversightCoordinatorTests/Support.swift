//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
//
//===----------------------------------------------------------------------===//

import OversightStore

enum OversightStoreFactory {
    static func memory() throws -> SQLiteStore { try SQLiteStore() }
}
