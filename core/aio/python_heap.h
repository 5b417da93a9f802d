// The part of CPython's memory behaviour that decides what a stream read costs: glibc's dynamic
// mmap threshold in the Python program's process.
//
// A stream's _read_ready calls sock.recv(max_size): a fresh 256 KiB bytes object, shrunk to what
// arrived, dropped once the reader's buffer has a copy. glibc gives a block that large its own
// mapping while it is at or above the mmap threshold (128 KiB at start), so each read costs a
// mmap, a page fault, an mremap and a munmap (python3 here: 1000 reads, 1000 mremaps; ~100 us a
// read in this VM). The threshold rises to the size of any mapped block that is freed (up to
// 32 MiB): once a block larger than the read buffer has been freed, reads come from the heap and
// cost a few microseconds. In a lesson's program that block is asyncio.gather's arg_to_fut dict
// (Lib/asyncio/tasks.py), a local freed when gather returns: with more than 5461 awaitables its
// table is 294,928 bytes (python3 3.11 here, seen in gdb: a 299,008-byte munmap from the dict's
// dealloc; 5000 requests: one mremap per read, 6000: none). CPython's start-up frees nothing
// that large (its largest, the interned strings' table: 208,896 bytes).
//
// The loop keeps one of these for its Python program: gather notes its table, and a stream read
// asks whether its buffer would be mapped (streams.cpp then makes the same system calls).
#pragma once

#include <cstddef>

namespace clab::aio {

class PythonHeap {
public:
    // A block of `bytes` requested from malloc was freed (PyObject_Free of a large block).
    void freed(size_t requested);
    // Would malloc(`requested`) get a mapping of its own now?
    bool mapped(size_t requested) const;
    // The length of the mapping glibc makes for a request of `requested` bytes (whole pages).
    static size_t mapping_bytes(size_t requested);

    // The bytes CPython 3.11's dict allocates for its keys table after `entries` insertions into a
    // fresh dict of non-string keys (Objects/dictobject.c: new_keys_object, insertion_resize).
    static size_t dict_table_bytes(size_t entries);

private:
    size_t mmap_threshold_ = 128 * 1024; // glibc's DEFAULT_MMAP_THRESHOLD_MIN
};

} // namespace clab::aio
