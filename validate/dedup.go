package validate

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// nameStore keeps login names in large shared blocks and refers to each by
// a 32-bit reference, so that the duplicate set holds 4 bytes per name
// instead of a 16-byte string header, and the garbage collector sees a few
// pointer-free blocks instead of a million strings. The set must own its
// names (a string sliced from the reader's line would pin the whole line).
// A short name is stored after a 2-byte length in a 64 KiB block and its
// reference is block<<16 | offset; a long name (or any name once the blocks
// are exhausted) is kept as a string of its own, with refLong set.
type nameStore struct {
	blocks [][]byte
	long   []string
}

const (
	nameBlock = 64 << 10
	maxShort  = 1 << 10 // longer names are kept as strings
	maxBlocks = 1 << 15 // block numbers below refLong
	refLong   = 1 << 31
)

func (n *nameStore) add(s string) uint32 {
	if len(s) <= maxShort {
		k := len(n.blocks) - 1
		if k < 0 || cap(n.blocks[k])-len(n.blocks[k]) < 2+len(s) {
			if len(n.blocks) < maxBlocks {
				n.blocks = append(n.blocks, make([]byte, 0, nameBlock))
				k++
			} else {
				k = -1
			}
		}
		if k >= 0 {
			b := n.blocks[k]
			off := len(b)
			b = append(b, byte(len(s)>>8), byte(len(s)))
			n.blocks[k] = append(b, s...)
			return uint32(k)<<16 | uint32(off)
		}
	}
	n.long = append(n.long, strings.Clone(s))
	return refLong | uint32(len(n.long)-1)
}

// get returns the name ref refers to. The string shares the block's bytes,
// which are never changed once written; callers only compare it.
func (n *nameStore) get(ref uint32) string {
	if ref&refLong != 0 {
		return n.long[ref&^refLong]
	}
	b := n.blocks[ref>>16]
	off := int(ref & 0xffff)
	l := int(b[off])<<8 | int(b[off+1])
	if l == 0 {
		return ""
	}
	return unsafe.String(&b[off+2], l)
}

// hashSet maps 64-bit hashes to the first row that had them (and, for
// login names, a nameStore reference): open addressing with linear probing
// over a power-of-two array, at most 3/4 full. One probe sequence both
// finds and inserts. An entry is 16 bytes in one flat, pointer-free array,
// so a probe touches one cache line, not one per field: at a million rows
// the set is far larger than any cache, and a miss is what a probe costs
// (see peek). Three Go maps cost 1.7 µs and about 140 live bytes per row
// at a million rows (cache misses on lookup and insert, growth in steps);
// this costs a fraction of that time and half the memory.
type hashSet struct {
	slots []hashSlot
	n     int
}

// hashSlot is one entry of a hashSet. Hash 0 marks an empty slot, so a
// hash of 0 is stored as 1.
type hashSlot struct {
	hash uint64
	row  int32
	ref  uint32
}

func newHashSet(hint int) hashSet {
	var s hashSet
	s.grow(hint)
	return s
}

// sizeFor is the number of slots that holds n entries at most 3/4 full.
func sizeFor(n int) int {
	size := 1024
	for size*3/4 < n {
		size *= 2
	}
	return size
}

// grow makes room for n entries in all, rehashing what is there.
func (s *hashSet) grow(n int) {
	size := sizeFor(n)
	if size <= len(s.slots) {
		return
	}
	old := s.slots
	s.slots = make([]hashSlot, size)
	for _, e := range old {
		if e.hash != 0 {
			i, _ := s.find(e.hash)
			s.slots[i] = e
		}
	}
}

// home is the first slot probed for h. FNV-1a's low bits are weak for
// similar keys, so the slot comes from the top bits of a Fibonacci
// multiply.
func (s *hashSet) home(h uint64) int {
	if h == 0 {
		h = 1
	}
	return int((h*0x9e3779b97f4a7c15)>>32) & (len(s.slots) - 1)
}

// find returns the slot holding h, or the empty slot where h belongs (call
// reserve before it, then set).
func (s *hashSet) find(h uint64) (slot int, found bool) {
	if h == 0 {
		h = 1
	}
	mask := len(s.slots) - 1
	for i := s.home(h); ; i = (i + 1) & mask {
		switch s.slots[i].hash {
		case h:
			return i, true
		case 0:
			return i, false
		}
	}
}

// peek loads the first slot find(h) will probe and returns its hash, for
// the caller to fold into a value it keeps (so the load is not optimised
// away). Peeking at a batch of hashes in a tight loop lets the processor
// wait for all their cache misses at once; the find that follows then
// hits the cache. See Validator.CheckRows.
func (s *hashSet) peek(h uint64) uint64 {
	return s.slots[s.home(h)].hash
}

// reserve makes room for one more entry, so that a slot returned by the
// next find stays valid for set.
func (s *hashSet) reserve() {
	if (s.n+1)*4 > len(s.slots)*3 {
		s.grow(2 * len(s.slots) * 3 / 4)
	}
}

// set stores h at an empty slot returned by find.
func (s *hashSet) set(slot int, h uint64, row int32, ref uint32) {
	if h == 0 {
		h = 1
	}
	s.slots[slot] = hashSlot{h, row, ref}
	s.n++
}

// foldHash hashes s with every letter lower-cased (simple case mapping,
// the same for any spelling of the same letters), so "Taro@Example.com"
// and "taro@example.com" collide on purpose. It hashes the UTF-8 bytes of
// the lower-cased text (an invalid byte counts as U+FFFD) eight bytes at a
// time, and for the usual ASCII names it lower-cases those eight bytes in
// one step instead of building the lower-cased string: 2 to 3 times faster
// than FNV-1a a byte at a time, and it does not allocate.
func foldHash(s string) uint64 {
	h := uint64(hashSeed)
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := load64(s[i:])
		if w&0x8080808080808080 != 0 {
			return foldHashRunes(s)
		}
		h = hashMix(h ^ lowerASCII(w))
	}
	var w uint64
	for k := 0; i+k < len(s); k++ {
		c := s[i+k]
		if c >= utf8.RuneSelf {
			return foldHashRunes(s)
		}
		w |= uint64(c) << (8 * k)
	}
	return hashFinal(h, lowerASCII(w), len(s))
}

// foldHashRunes is foldHash for text that is not all ASCII: it lower-cases
// s into a buffer and hashes that as foldHash hashes lower-case ASCII.
func foldHashRunes(s string) uint64 {
	var stack [512]byte
	b := stack[:0]
	for _, r := range s { // an invalid byte is utf8.RuneError
		b = utf8.AppendRune(b, unicode.ToLower(r))
	}
	h := uint64(hashSeed)
	i := 0
	for ; i+8 <= len(b); i += 8 {
		h = hashMix(h ^ (uint64(b[i]) | uint64(b[i+1])<<8 | uint64(b[i+2])<<16 | uint64(b[i+3])<<24 |
			uint64(b[i+4])<<32 | uint64(b[i+5])<<40 | uint64(b[i+6])<<48 | uint64(b[i+7])<<56))
	}
	var w uint64
	for k := 0; i+k < len(b); k++ {
		w |= uint64(b[i+k]) << (8 * k)
	}
	return hashFinal(h, w, len(b))
}

// Constants of the hash: odd 64-bit numbers with well mixed bits (from
// wyhash and SplitMix64).
const (
	hashSeed = 0xa0761d6478bd642f
	hashMul  = 0xe7037ed1a0b428db
	hashMul2 = 0x94d049bb133111eb
)

// hashMix folds the 128-bit product of x and a constant into 64 bits, the
// mixing step of wyhash: every input bit reaches every output bit.
func hashMix(x uint64) uint64 {
	hi, lo := bits.Mul64(x, hashMul)
	return hi ^ lo
}

// hashFinal mixes in the last partial word (zero-padded) and the length,
// which tells "a" from "a\x00".
func hashFinal(h, tail uint64, n int) uint64 {
	h = hashMix(h ^ tail)
	hi, lo := bits.Mul64(h^uint64(n), hashMul2)
	return hi ^ lo
}

// load64 reads the first eight bytes of s as a little-endian word.
func load64(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// lowerASCII lower-cases the eight ASCII bytes of w. Adding 0x3f to a byte
// sets its top bit from 'A' up, adding 0x25 from 'Z'+1 up; neither
// carries out of a byte below 0x80, so the mask marks exactly the upper
// case letters, and 0x80>>2 is the 0x20 that lower-cases them.
func lowerASCII(w uint64) uint64 {
	upper := (w + 0x3f3f3f3f3f3f3f3f) &^ (w + 0x2525252525252525) & 0x8080808080808080
	return w | upper>>2
}
