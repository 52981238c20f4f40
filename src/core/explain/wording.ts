// Counting words for the explanations' sentences: "1 file" / "2 files", "it" / "them", "ships" / "ship".
// Every sentence that names a number of things picks its words here, so none says "1 files" or "copied them".

/** "3", "2,345": thousands separated. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 file", "2,345 files"; the last word of `noun` takes the plural ("1 image file", "2 image files"). */
export function plural(n: number, noun: string, nouns: string = noun.replace(/(\w+)$/, '$1s')): string {
  return `${count(n)} ${n === 1 ? noun : nouns}`;
}

/** `one` for exactly one thing, else `many`: for verbs and pronouns ("it"/"them", "uses"/"use"). */
export function byCount(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
