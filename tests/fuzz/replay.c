/*
 * replay.c: runs a fuzz target's LLVMFuzzerTestOneInput on files, without libFuzzer, so the
 * seed corpus and every input that once crashed replay as a regression test in every build.
 * usage: replay FILE_OR_DIR... ; exits non-zero if no input was found.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    uint8_t *buf = malloc(1 << 24);
    size_t n = buf ? fread(buf, 1, 1 << 24, f) : 0;
    fclose(f);
    /* Exactly n bytes, as libFuzzer passes them, so a sanitizer build catches a parser
     * reading past its input (an empty config once did). */
    uint8_t *input = buf ? malloc(n ? n : 1) : NULL;
    if (input)
        memcpy(input, buf, n);
    free(buf);
    if (!input)
        return 0;
    LLVMFuzzerTestOneInput(input, n);
    free(input);
    return 1;
}

static int replay(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    int count = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char child[4096];
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        count += replay(child);
    }
    if (d)
        closedir(d);
    return count;
}

int main(int argc, char **argv)
{
    int count = 0;
    for (int i = 1; i < argc; i++)
        count += replay(argv[i]);
    printf("replayed %d inputs\n", count);
    return count > 0 ? 0 : 1;
}
