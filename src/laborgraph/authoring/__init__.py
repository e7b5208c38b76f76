"""Tools for writing mappings: start one from an article text (`laborgraph new`), find the
entities that already exist instead of declaring them again, and errors that show the fix.

They sit above load/build/validate/export and read the same files; nothing here changes
what a build produces.
"""

from .entities import EntityIndex, NamedEntity, duplicate_warnings, entity_index
from .scaffold import Sentence, new_mapping, scaffold_text, split_sentences

__all__ = ["EntityIndex", "NamedEntity", "Sentence", "duplicate_warnings", "entity_index", "new_mapping",
           "scaffold_text", "split_sentences"]
