//===----------------------------------------------------------------------===//
//
// This source file is part of the Oversight project.
// Alert texts in a language.
//
//===----------------------------------------------------------------------===//

import OversightLocalization

extension Alert {
    /// The summary in `l`'s language.
    package func summary(in l: Localizer) -> String { self.summary }
}
