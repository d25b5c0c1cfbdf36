# Turns a data file into a C array so the program carries its defaults compiled in.
# Usage: cmake -DIN=file -DOUT=file.inc -DSYMBOL=name -P embed.cmake
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR bytes "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE "${OUT}" "/* generated from ${IN} by cmake/embed.cmake; do not edit */\n"
     "static const unsigned char ${SYMBOL}[] = {\n${body}0x00};\n"
     "static const unsigned int ${SYMBOL}_len = ${bytes};\n")
