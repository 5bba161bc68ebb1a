package validate

import (
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

// hashSet maps 64-bit hashes to the first row that had them (and, when
// refs is set, a nameStore reference): open addressing with linear probing
// over power-of-two arrays, at most 3/4 full. One probe sequence both
// finds and inserts, and an entry takes 12 or 16 bytes in flat,
// pointer-free arrays. Three Go maps cost 1.7 µs and about 140 live bytes
// per row at a million rows (cache misses on lookup and insert, growth in
// steps); this costs about a quarter of that time and half the memory.
type hashSet struct {
	hash []uint64 // 0 marks an empty slot; hash 0 is stored as 1
	row  []int32
	ref  []uint32
	n    int
	refs bool
}

func newHashSet(hint int, refs bool) hashSet {
	size := 1024
	for size*3/4 < hint {
		size *= 2
	}
	s := hashSet{refs: refs}
	s.alloc(size)
	return s
}

func (s *hashSet) alloc(size int) {
	s.hash = make([]uint64, size)
	s.row = make([]int32, size)
	if s.refs {
		s.ref = make([]uint32, size)
	}
}

// find returns the slot holding h, or the empty slot where h belongs (call
// reserve before it, then set). FNV-1a's low bits are weak for similar
// keys, so the slot comes from the top bits of a Fibonacci multiply.
func (s *hashSet) find(h uint64) (slot int, found bool) {
	if h == 0 {
		h = 1
	}
	mask := len(s.hash) - 1
	i := int((h*0x9e3779b97f4a7c15)>>32) & mask
	for {
		switch s.hash[i] {
		case h:
			return i, true
		case 0:
			return i, false
		}
		i = (i + 1) & mask
	}
}

// reserve makes room for one more entry, so that a slot returned by the
// next find stays valid for set.
func (s *hashSet) reserve() {
	if (s.n+1)*4 <= len(s.hash)*3 {
		return
	}
	old := *s
	s.alloc(2 * len(old.hash))
	s.n = 0
	for i, h := range old.hash {
		if h != 0 {
			j, _ := s.find(h)
			s.set(j, h, old.row[i], old.refOf(i))
		}
	}
}

func (s *hashSet) refOf(slot int) uint32 {
	if s.refs {
		return s.ref[slot]
	}
	return 0
}

// set stores h at an empty slot returned by find.
func (s *hashSet) set(slot int, h uint64, row int32, ref uint32) {
	if h == 0 {
		h = 1
	}
	s.hash[slot], s.row[slot] = h, row
	if s.refs {
		s.ref[slot] = ref
	}
	s.n++
}

// foldHash is the 64-bit FNV-1a hash of s with every letter lower-cased
// (simple case mapping, the same for any spelling of the same letters), so
// "Taro@Example.com" and "taro@example.com" collide on purpose. It does not
// allocate, unlike hashing strings.ToLower(s).
func foldHash(s string) uint64 {
	const (
		offset = 14695981039346656037
		prime  = 1099511628211
	)
	h := uint64(offset)
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			h = (h ^ uint64(c)) * prime
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		r = unicode.ToLower(r)
		if r < utf8.RuneSelf {
			h = (h ^ uint64(r)) * prime
			continue
		}
		for k := 0; k < 4; k++ {
			h = (h ^ uint64(byte(r>>(8*k)))) * prime
		}
	}
	return h
}
