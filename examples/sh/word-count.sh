# word-count.sh: a job for the guest OS (artifact kind "sh"). Its input arrives on stdin; the
# most frequent words, counted with tr/sort/uniq and summed by a qjs process, and a SQLite
# table built on the VFS. Run it locally or on-chain:
#   npx outlayer run examples/sh/word-count.sh --input 'the cat and the hat and the bat'
#   npx outlayer request examples/sh/word-count.sh --input 'the cat and the hat and the bat'
tr -cs 'A-Za-z' '\n' | tr 'A-Z' 'a-z' | grep -v '^$' > /words
sort /words | uniq -c | sort -k1,1nr -k2 | head -n 3 | awk '{print $2 "=" $1}'
qjs -e 'let n = 0; while ((await std.in.getline()) !== null) n++; print("words=" + n)' < /words
sqlite3 /db "create table w(word); $(sed "s/.*/insert into w values ('&');/" /words)"
sqlite3 /db "select 'distinct=' || count(distinct word) from w"
echo "contract=${NEAR_CONTRACT_ID:-none}"
